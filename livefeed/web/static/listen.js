// Listen Live: the feed's live audio stream in a player docked at the foot of the window.
// Pausing lets go of the stream and playing again rejoins it live, not where it stopped; a
// stream that cannot be reached or breaks off shows as offline. While the player is open,
// "Show older posts" loads the next page into this one, so the sound goes on.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var box = document.querySelector("[data-listen-src]");
  if (!box) { return; }
  var src = box.getAttribute("data-listen-src");
  var opener = box.querySelector(".listen-open");
  var player = box.querySelector(".listen-player");
  var audio = player.querySelector("audio");
  var toggle = player.querySelector(".listen-toggle");
  var volume = player.querySelector('input[type="range"]');
  var closer = player.querySelector(".listen-close");
  var status = player.querySelector(".listen-status");
  var wanted = false;  // the reader asked for sound and has not paused since
  var TEXT = {
    idle: "",
    connecting: _("Connecting to the live stream…"),
    playing: _("Playing live"),
    paused: _("Paused"),
    offline: _("Offline: the live stream cannot be reached right now. Try again later.")
  };

  function show(state) {
    status.setAttribute("data-state", state);
    status.textContent = TEXT[state];
    player.setAttribute("data-state", state);
  }

  function play() {
    wanted = true;
    toggle.textContent = _("Pause");
    show("connecting");
    pauseClips();
    audio.src = src;
    var started = audio.play();
    if (started && typeof started.catch === "function") {
      started.catch(function (error) {
        if (error && error.name === "AbortError") { return; }  // paused before it began
        fail();
      });
    }
  }

  function stop(state) {
    wanted = false;
    toggle.textContent = _("Play");
    audio.pause();
    // Without a source the element drops its connection: a paused live stream costs nothing.
    audio.removeAttribute("src");
    audio.load();
    show(state);
  }

  // A post's clip and the live stream never talk at once: whichever starts pauses the other.
  function pauseClips() {
    document.querySelectorAll("audio[data-clip]").forEach(function (clip) {
      if (!clip.paused) { clip.pause(); }
    });
  }

  function fail() {
    if (wanted) { stop("offline"); }
  }

  function pad() {
    document.body.style.paddingBottom = player.hidden ? "" : player.offsetHeight + "px";
  }

  function open() {
    player.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    document.body.classList.add("has-listen-player");
    pad();
    play();
    toggle.focus();
  }

  function close() {
    stop("idle");
    player.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    document.body.classList.remove("has-listen-player");
    pad();
    opener.focus();
  }

  function setVolume() {
    audio.volume = Math.min(Math.max(volume.value / 100, 0), 1);
    volume.setAttribute("aria-valuetext", volume.value + "%");
  }

  // "Show older posts" without leaving the page, so the player keeps playing. If the page
  // cannot be fetched, it is opened the ordinary way after all.
  function loadOlder(link) {
    var holder = link.closest(".older");
    var list = document.querySelector(".updates .posts");
    if (!holder || !list) { window.location.assign(link.href); return; }
    link.setAttribute("aria-disabled", "true");
    link.textContent = _("Loading older posts…");
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var first = null;
      page.querySelectorAll(".updates .posts > li").forEach(function (item) {
        var article = item.querySelector(".post");
        if (!article || document.getElementById(article.id)) { return; }
        var adopted = document.importNode(item, true);
        list.appendChild(adopted);
        first = first || adopted.querySelector(".post");
      });
      var next = page.querySelector(".updates .older");
      if (next) { holder.replaceWith(document.importNode(next, true)); } else { holder.remove(); }
      if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
    }).catch(function () {
      window.location.assign(link.href);
    });
  }

  audio.addEventListener("playing", function () { if (wanted) { show("playing"); } });
  audio.addEventListener("waiting", function () { if (wanted) { show("connecting"); } });
  audio.addEventListener("error", fail);
  // A live stream that ends has broken off.
  audio.addEventListener("ended", fail);

  // "play" does not bubble, so it is caught on its way down to any clip, even one loaded later.
  document.addEventListener("play", function (event) {
    var clip = event.target;
    if (wanted && clip.matches && clip.matches("audio[data-clip]")) { stop("paused"); }
  }, true);
  opener.addEventListener("click", function () { if (player.hidden) { open(); } else { close(); } });
  toggle.addEventListener("click", function () { if (wanted) { stop("paused"); } else { play(); } });
  closer.addEventListener("click", close);
  volume.addEventListener("input", setVolume);
  if (typeof window.ResizeObserver === "function") { new window.ResizeObserver(pad).observe(player); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('.older a[rel="next"]') : null;
    if (!link || event.defaultPrevented || player.hidden || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") !== "true") { loadOlder(link); }
  });

  setVolume();
  box.querySelector(".listen-link").hidden = true;
  opener.hidden = false;
})();
