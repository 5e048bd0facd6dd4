/*
 * Tickable checklists. Every list inside <div class="hb-tasks" data-group data-frequency> becomes
 * tickable: a tick is kept in this browser (localStorage) until the item's period ends (a daily
 * item is unticked the next day, a weekly one on Monday, a monthly one on the 1st, a quarterly one
 * at the quarter). Per-event items keep their ticks until reset by hand. Without JavaScript the
 * lists stay plain, disabled checkboxes that read and print cleanly. No network access.
 */
(function () {
  "use strict";

  var PREFIX = "handbook:tick:";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function day(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  /* The period a moment belongs to, in local time; a tick is valid while the period is the same. */
  function period(frequency, now) {
    switch (frequency) {
      case "daily":
        return day(now);
      case "weekly": {
        var monday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
        monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
        return "W" + day(monday);
      }
      case "monthly":
        return now.getFullYear() + "-" + pad(now.getMonth() + 1);
      case "quarterly":
        return now.getFullYear() + "-Q" + (Math.floor(now.getMonth() / 3) + 1);
      default:
        return "event";
    }
  }

  /* FNV-1a: a short stable key from the item's text, so reordering items keeps their ticks. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16);
  }

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; /* private mode or storage disabled: lists stay read-only */
    }
  }

  function setup(block, store) {
    if (block.getAttribute("data-ready")) return;
    block.setAttribute("data-ready", "1");
    var group = block.getAttribute("data-group");
    var frequency = block.getAttribute("data-frequency");
    var boxes = [];
    block.querySelectorAll("li.task-list-item").forEach(function (li) {
      var input = li.querySelector("input[type=checkbox]");
      if (!input) return;
      /* The key ignores who does it (shown on shared pages only), so pages share their ticks. */
      var copy = li.cloneNode(true);
      copy.querySelectorAll(".hb-who").forEach(function (who) { who.remove(); });
      var key = PREFIX + group + ":" + hash(copy.textContent.replace(/\s+/g, " ").trim());
      var saved = null;
      try {
        saved = JSON.parse(store.getItem(key) || "null");
      } catch (e) {
        saved = null;
      }
      var current = period(frequency, new Date());
      if (saved && saved.period === current) {
        input.checked = true;
      } else if (saved) {
        store.removeItem(key); /* the period has ended: start afresh */
      }
      input.disabled = false;
      input.setAttribute("data-key", key);
      input.addEventListener("change", function () {
        if (input.checked) {
          store.setItem(key, JSON.stringify({ period: period(frequency, new Date()), at: new Date().toISOString() }));
        } else {
          store.removeItem(key);
        }
        update();
      });
      /* The whole line is the tap target, which matters on a phone; links keep working. */
      li.classList.add("hb-tickable");
      li.addEventListener("click", function (event) {
        if (event.target.closest("a, label, input")) return;
        input.click();
      });
      boxes.push(input);
    });
    if (boxes.length < 2) return; /* a single item needs no counter and no reset button */

    var bar = document.createElement("p");
    bar.className = "hb-task-bar";
    var count = document.createElement("span");
    count.className = "hb-task-count";
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button hb-task-reset";
    reset.textContent = "清空勾选";
    reset.addEventListener("click", function () {
      boxes.forEach(function (input) {
        input.checked = false;
        store.removeItem(input.getAttribute("data-key"));
      });
      update();
    });
    bar.appendChild(count);
    bar.appendChild(reset);
    block.appendChild(bar);

    function update() {
      var done = boxes.filter(function (b) { return b.checked; }).length;
      count.textContent = "已完成 " + done + " / " + boxes.length;
      block.classList.toggle("hb-tasks-done", done === boxes.length);
    }
    update();
  }

  function init() {
    var store = storage();
    if (!store) return;
    document.querySelectorAll(".hb-tasks[data-group]").forEach(function (block) {
      setup(block, store);
    });
  }

  /* Material's instant loading swaps pages without a reload: follow it when it is on. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
