// "Last updated" moves on the open page when readers see a post change (published, edited,
// taken down); changes to the feed's settings are no news and leave it. The words follow the
// server's (languages/dates.stamp): "18:21 GMT, 16 January 2021", in the feed's zone.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var line = document.querySelector(".last-updated");
  var time = line ? line.querySelector("time") : null;
  if (!time) { return; }
  var zone = line.getAttribute("data-zone") || "UTC";
  var NEWS = ["post.published", "post.updated", "post.deleted"];

  function stamp(moment) {
    // The zone's abbreviation is the same in every language, as the server writes it.
    var zoneName = "";
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" })
      .formatToParts(moment).forEach(function (part) { if (part.type === "timeZoneName") { zoneName = part.value; } });
    return _("%(time)s %(zone)s, %(date)s", {
      time: new Intl.DateTimeFormat(words.locale, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(moment),
      zone: zoneName,
      date: new Intl.DateTimeFormat(words.locale, { timeZone: zone, day: "numeric", month: "long", year: "numeric" }).format(moment)
    });
  }

  document.addEventListener("livefeed:applied", function (event) {
    var message = event.detail.message;
    if (NEWS.indexOf(message.type) === -1) { return; }
    var data = message.data || {};
    // The server's moment of the change, not this browser's of its arrival.
    var moment = typeof message.created === "number" ? new Date(message.created * 1000)
      : new Date(data.updated_at || data.published_at || Date.now());
    if (isNaN(moment.getTime())) { return; }
    if (moment.getTime() < new Date(time.getAttribute("datetime")).getTime()) { return; }
    time.setAttribute("datetime", moment.toISOString().replace(/\.\d{3}Z$/, "Z"));
    time.textContent = stamp(moment);
  });
})();
