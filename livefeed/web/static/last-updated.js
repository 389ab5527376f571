// "Last updated" moves on the open page when readers see a post change (published, edited,
// taken down); changes to the feed's settings are no news and leave it. The words follow the
// server's (times.stamp): "18:21 GMT, 16 January 2021", in the feed's zone.
(function () {
  "use strict";
  var line = document.querySelector(".last-updated");
  var time = line ? line.querySelector("time") : null;
  if (!time) { return; }
  var zone = line.getAttribute("data-zone") || "UTC";
  var NEWS = ["post.published", "post.updated", "post.deleted"];

  function stamp(moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      day: "numeric", month: "long", year: "numeric", timeZoneName: "short"
    }).formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    return parts.hour + ":" + parts.minute + " " + parts.timeZoneName + ", " +
      parts.day + " " + parts.month + " " + parts.year;
  }

  document.addEventListener("livefeed:applied", function (event) {
    var message = event.detail.message;
    if (NEWS.indexOf(message.type) === -1) { return; }
    var data = message.data || {};
    var moment = new Date(data.updated_at || data.published_at || Date.now());
    if (isNaN(moment.getTime())) { return; }
    if (moment.getTime() < new Date(time.getAttribute("datetime")).getTime()) { return; }
    time.setAttribute("datetime", moment.toISOString().replace(/\.\d{3}Z$/, "Z"));
    time.textContent = stamp(moment);
  });
})();
