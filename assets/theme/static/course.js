// Links marked data-rc-keep-query carry the trainee's cohort and handle from this page's
// address to the next page, so a trainee stays in their cohort while moving around the course.
// On the course home it also gives a cohort link without a handle this browser's handle.
(function () {
  "use strict";
  var carried = ["cohort", "handle"];
  function keepQuery() {
    var here = new URLSearchParams(window.location.search);
    var links = document.querySelectorAll("a[data-rc-keep-query]");
    links.forEach(function (link) {
      var target = new URL(link.getAttribute("href"), window.location.href);
      carried.forEach(function (name) {
        if (here.has(name) && !target.searchParams.has(name)) {
          target.searchParams.set(name, here.get(name));
        }
      });
      link.setAttribute("href", target.pathname + target.search + target.hash);
    });
  }
  // The course home remembers this browser's handle in each cohort, and reuses it when the
  // trainee comes back through the plain cohort link.
  function rememberHandle() {
    var here = new URLSearchParams(window.location.search);
    var cohort = (here.get("cohort") || "").trim().toUpperCase();
    var handle = (here.get("handle") || "").trim();
    var storageKey = "rc-handle:" + cohort;
    try {
      if (cohort && handle) {
        window.localStorage.setItem(storageKey, handle);
      }
      if (cohort && !handle && document.querySelector("[data-rc-join]")) {
        var saved = window.localStorage.getItem(storageKey);
        var next = new URL(window.location.href);
        if (saved) {
          next.searchParams.set("handle", saved);
        } else {
          next.searchParams.set("join", "1");
        }
        window.location.replace(next.toString());
      }
    } catch (error) {
      // Storage can be switched off: fall back to asking the server for a new handle.
      if (cohort && !handle && document.querySelector("[data-rc-join]")) {
        var join = new URL(window.location.href);
        join.searchParams.set("join", "1");
        window.location.replace(join.toString());
      }
    }
  }
  function start() {
    keepQuery();
    rememberHandle();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
