// The review page's keyboard shortcuts and live timers; everything else is htmx attributes in the HTML.
// j/k: next/previous item, a: approve, e: edit then approve, r: reject (focus the reason).
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function move(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("#items .item"));
    if (!items.length) return;
    var at = items.findIndex(function (item) { return item.classList.contains("current"); });
    var next = items[Math.min(items.length - 1, Math.max(0, at + step))];
    var link = next && next.querySelector("a.open");
    if (link && next !== items[at]) link.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "a") {
      var approve = document.querySelector("#approve-form button[type=submit]");
      if (approve) approve.click(); else return;
    } else if (key === "e") {
      var edit = document.getElementById("edit");
      if (!edit) return;
      edit.open = true;
      var text = edit.querySelector("textarea");
      if (text) text.focus();
    } else if (key === "r") {
      var reason = document.getElementById("reject-reason");
      if (reason) reason.focus(); else return;
    } else { return; }
    event.preventDefault();
  });

  // "tick all low-risk": the clean, low-risk drafts of this page, ready for bulk approval.
  document.addEventListener("click", function (event) {
    if (!event.target.matches("[data-tick-all]")) return;
    document.querySelectorAll("input[form=bulk][name=draft]").forEach(function (box) { box.checked = true; });
  });

  // Timers against the response-time and review targets, refreshed every 30 s without a reload.
  function span(seconds) {
    seconds = Math.abs(seconds);
    if (seconds < 90) return Math.round(seconds) + " s";
    if (seconds < 5400) return Math.round(seconds / 60) + " min";
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + " h";
    return (seconds / 86400).toFixed(1) + " days";
  }
  function tick() {
    document.querySelectorAll(".timer[data-due]").forEach(function (timer) {
      var left = (Date.parse(timer.dataset.due) - Date.now()) / 1000;
      timer.textContent = left >= 0 ? "due in " + span(left) : "overdue by " + span(left);
      timer.classList.toggle("late", left < 0);
    });
  }
  setInterval(tick, 30000);

  // After an htmx swap, keep the focused draft in view on small screens.
  document.addEventListener("htmx:afterSwap", function () {
    var notice = document.getElementById("notice");
    if (notice && notice.getBoundingClientRect().top < 0) notice.scrollIntoView({ block: "start" });
  });
})();
