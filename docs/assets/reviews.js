/*
 * Review status, worked out in the reader's browser so that the built site does not depend on
 * the day it was built: a [data-review-due] date in the past is overdue, one within 30 days is due
 * soon. Policy pages unhide their "overdue" warning. Without JavaScript the dates still show.
 */
(function () {
  "use strict";

  var SOON_DAYS = 30;

  function today() {
    // The PDF job prints as of a given day (HANDBOOK_TODAY): it sets <html data-handbook-today>.
    var fixed = document.documentElement.getAttribute("data-handbook-today");
    if (fixed) return parse(fixed);
    var now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function parse(text) {
    var parts = text.split("-");
    return new Date(+parts[0], +parts[1] - 1, +parts[2]);
  }

  function mark() {
    var now = today().getTime();
    document.querySelectorAll("[data-review-due]").forEach(function (el) {
      if (el.getAttribute("data-review-marked")) return;
      el.setAttribute("data-review-marked", "1");
      var days = Math.round((parse(el.getAttribute("data-review-due")).getTime() - now) / 86400000);
      if (el.classList.contains("hb-overdue")) {
        if (days < 0) el.hidden = false;
        return;
      }
      if (days < 0 || days <= SOON_DAYS) {
        var badge = document.createElement("span");
        badge.className = days < 0 ? "hb-badge hb-badge--overdue" : "hb-badge hb-badge--soon";
        badge.textContent = days < 0 ? "已逾期 " + -days + " 天" : days === 0 ? "今天到期" : days + " 天后到期";
        el.appendChild(document.createTextNode(" "));
        el.appendChild(badge);
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mark);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
