// Links marked data-rc-keep-query carry the trainee's cohort and handle from this page's
// address to the next page, so a trainee stays in their cohort while moving around the course.
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", keepQuery);
  } else {
    keepQuery();
  }
})();
