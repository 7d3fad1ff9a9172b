// The unread badge in the header, kept current by server-sent events from /notifications/live/.
// While the stream is open, the badge's htmx polling (every 30 s) is held back; without EventSource,
// or while the stream reconnects, the polling carries on as before.
(function () {
  "use strict";
  if (!("EventSource" in window) || !document.getElementById("unread-badge")) {
    return;
  }
  var live = false;
  var source = new EventSource("/notifications/live/");

  function show(count) {
    var badge = document.getElementById("unread-badge");
    if (!badge) {
      return;
    }
    badge.textContent = "Notifications";
    if (count > 0) {
      var bubble = document.createElement("span");
      bubble.className = "badge";
      bubble.textContent = String(count);
      var hidden = document.createElement("span");
      hidden.className = "sr";
      hidden.textContent = " unread";
      bubble.appendChild(hidden);
      badge.appendChild(document.createTextNode(" "));
      badge.appendChild(bubble);
    }
    badge.setAttribute("data-live", "true");
  }

  source.addEventListener("open", function () {
    live = true;
  });
  source.addEventListener("error", function () {
    live = source.readyState === EventSource.OPEN;
  });
  source.addEventListener("unread", function (event) {
    live = true;
    var count = parseInt(event.data, 10);
    if (!isNaN(count)) {
      show(count);
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (live && element && element.id === "unread-badge") {
      event.preventDefault();
    }
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
