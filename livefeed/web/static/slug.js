// The new-feed form suggests the feed's address from its title as the title is typed, until
// the editor types an address of their own (emptying the field lets the suggestions back).
// Without this script the address is typed by hand, as before; the server checks it either way.
(function () {
  "use strict";
  var slug = document.querySelector("[data-slug-from]");
  if (!slug) { return; }
  var title = document.getElementById(slug.getAttribute("data-slug-from"));
  if (!title) { return; }
  var MAX = 80;  // as the server's rule (domain/feeds.py)

  // "Élection: la nuit des résultats" -> "election-la-nuit-des-resultats"
  function fromTitle(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, MAX).replace(/-+$/, "");
  }

  // A form sent back with errors keeps what was typed: an address of the editor's own stays.
  var suggesting = slug.value === "" || slug.value === fromTitle(title.value);

  title.addEventListener("input", function () {
    if (suggesting) { slug.value = fromTitle(title.value); }
  });
  slug.addEventListener("input", function () {
    suggesting = slug.value === "";
  });
})();
