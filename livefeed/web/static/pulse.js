// The newsroom's pulse on its editors' pages, pushed by the server over a stream of their own:
// on a feed page the feed's counts (readers, contributions waiting, reported comments, who is
// composing, how fast posts reach readers), on the desk each edited feed's readers and queue.
// Each line comes worded by the server in the page's language, the readers of the last hour
// drawn as a small line. Whoever writes in the compose form tells the server so ("Anna is
// composing") while the form holds words, and when it no longer does.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var tools = document.querySelector("[data-pulse]");
  if (tools) { follow(tools.getAttribute("data-pulse"), function (pulse) { showFeed(tools, pulse); }); }
  var desk = document.querySelector("[data-desk-pulse]");
  if (desk) { follow(desk.getAttribute("data-desk-pulse"), function (pulse) { showRow(desk, pulse); }); }
  var form = document.querySelector("form[data-compose]");
  var feed = document.querySelector("[data-slug]");
  if (form && feed) { compose(form, "/feeds/" + encodeURIComponent(feed.getAttribute("data-slug")) + "/composing"); }

  // The stream's own reconnect brings the pulse back after a drop, and after the server ends a
  // stream to check the session again; each pulse is whole, so nothing is lost in between.
  function follow(url, show) {
    var source = new EventSource(url);
    source.addEventListener("pulse", function (event) {
      var pulse;
      try { pulse = JSON.parse(event.data); } catch (error) { return; }
      show(pulse);
    });
  }

  function line(tools, selector, text, href) {
    var found = tools.querySelector(selector);
    if (!found) { return; }
    var target = found.querySelector("a") || found;
    target.textContent = text;
    if (href && target.tagName === "A") { target.setAttribute("href", href); }
    found.hidden = !text;
  }

  function showFeed(tools, pulse) {
    var readers = tools.querySelector(".readers");
    // The server's own words around a number it formatted: no reader's text is in them.
    if (readers) { readers.innerHTML = pulse.readers_html; }
    draw(tools.querySelector(".reader-trail"), pulse.trail);
    var link = document.querySelector(".contributions-link");
    if (link) { link.textContent = pulse.waiting_text; }
    line(tools, ".pulse-reported", pulse.reported ? pulse.reported_text : "", pulse.reported_url);
    line(tools, ".pulse-composing", pulse.composing_text);
    line(tools, ".pulse-latency", pulse.latency_text);
  }

  function showRow(table, pulse) {
    var rows = table.querySelectorAll("tr[data-slug]");
    for (var n = 0; n < rows.length; n += 1) {
      if (rows[n].getAttribute("data-slug") !== pulse.slug) { continue; }
      var readers = rows[n].querySelector(".desk-pulse .readers");
      var waiting = rows[n].querySelector(".desk-pulse .waiting");
      if (readers) { readers.innerHTML = pulse.readers_html; }
      if (waiting) { waiting.textContent = pulse.waiting ? pulse.waiting_text : ""; }
    }
  }

  function draw(svg, points) {
    if (!svg) { return; }
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    // An svg element has no hidden property: the attribute itself, as the page has it.
    if (!points || points.length < 2) { svg.setAttribute("hidden", ""); return; }
    svg.removeAttribute("hidden");
    var width = 120, height = 24, most = Math.max.apply(null, points) || 1;
    var step = width / (points.length - 1);
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.map(function (count, n) {
      return (n * step).toFixed(1) + "," + (height - 1 - (count / most) * (height - 2)).toFixed(1);
    }).join(" "));
    svg.appendChild(line);
  }

  function compose(form, url) {
    var token = form.querySelector("input[name=csrf_token]");
    if (!token) { return; }
    var EVERY = 15000, last = 0, saying = false;

    function body(left) {
      var data = new FormData();
      data.append("csrf_token", token.value);
      if (left) { data.append("left", "1"); }
      return data;
    }

    function holdsWords() {
      return Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"), function (field) {
        return field.value.trim() !== "";
      });
    }

    function stop() {
      if (saying && navigator.sendBeacon) { navigator.sendBeacon(url, body(true)); }
      saying = false;
      last = 0;
    }

    form.addEventListener("input", function () {
      if (!holdsWords()) { stop(); return; }
      if (Date.now() - last < EVERY) { return; }
      last = Date.now();
      saying = true;
      fetch(url, { method: "POST", body: body(false), credentials: "same-origin" }).catch(function () {
        last = 0;
      });
    });
    form.addEventListener("submit", stop);
    window.addEventListener("pagehide", stop);
  }
})();
