// A page's audio clips take turns: one starting pauses any other still playing, as Listen Live
// and a clip already do for each other (listen.js).
(function () {
  "use strict";
  // "play" does not bubble, so it is caught on its way down: clips that arrive live count too.
  document.addEventListener("play", function (event) {
    var started = event.target;
    if (!started.matches || !started.matches("audio[data-clip]")) { return; }
    document.querySelectorAll("audio[data-clip]").forEach(function (clip) {
      if (clip !== started && !clip.paused) { clip.pause(); }
    });
  }, true);
})();
