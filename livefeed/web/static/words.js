// The scripts' words in the page's language. The page holds them as JSON (languages/
// script_words.py) in <script type="application/json" id="livefeed-words">; without them (a page
// in English) every message is its own English. A plural message comes as one text per CLDR
// category, the names Intl.PluralRules gives for the page's language. Loaded before the other
// scripts, each of which takes _ and ngettext from window.livefeedWords.
(function () {
  "use strict";
  var root = document.documentElement;
  var holder = document.getElementById("livefeed-words");
  var messages = {};
  if (holder) {
    try { messages = JSON.parse(holder.textContent).messages || {}; } catch (e) { messages = {}; }
  }
  // A bare "en" writes dates the British way, as the server does (catalogs.locale_of).
  var language = root.getAttribute("lang") || "en";
  var locale = language.toLowerCase() === "en" ? "en-GB" : language;
  var rules = null;
  try { rules = new Intl.PluralRules(locale); } catch (e) { rules = null; }

  // Python's "%(name)s" and "%(num)d" filled in, "%%" a percent sign, as catalogs.py does.
  function fill(text, values) {
    if (!values) { return text; }
    return text.replace(/%(?:\((\w+)\)[sd]|%)/g, function (all, name) {
      if (!name) { return "%"; }
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function gettext(message, values) {
    var text = messages[message];
    return fill(typeof text === "string" && text ? text : message, values);
  }

  function ngettext(singular, plural, count, values) {
    var forms = messages[singular];
    var text = count === 1 ? singular : plural;
    if (forms && typeof forms === "object") {
      var category = rules ? rules.select(count) : "other";
      text = forms[category] || forms.other || text;
    }
    var filled = { num: count };
    Object.keys(values || {}).forEach(function (name) { filled[name] = values[name]; });
    return fill(text, filled);
  }

  window.livefeedWords = { _: gettext, ngettext: ngettext, language: language, locale: locale };
})();
