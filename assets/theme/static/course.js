// Links marked data-rc-keep-query carry the trainee's cohort and personal secret from this
// page's address to the next page, so a trainee stays in their place while moving around.
// The course home also remembers this browser's personal link in each cohort, offers it back
// with "This is not me" beside it, and forgets everything when the trainee leaves.
(function () {
  "use strict";
  var carried = ["cohort", "secret"];
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
  function forget(storage, prefix) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf(prefix) === 0) {
        storage.removeItem(key);
      }
    });
  }
  function rememberLink() {
    var here = new URLSearchParams(window.location.search);
    var cohort = (here.get("cohort") || "").trim().toUpperCase().replace(/[\s\-_.]/g, "");
    var secret = (here.get("secret") || "").trim();
    var handle = (here.get("handle") || "").trim();
    try {
      var storage = window.localStorage;
      forget(storage, "rc-handle:"); // older versions kept a bare handle: personal, and no key
      if (document.querySelector("[data-rc-leave]")) {
        forget(storage, "rc-");
        window.sessionStorage.clear();
        return;
      }
      var you = document.querySelector("[data-rc-handle]");
      if (cohort && secret && you) {
        var mine = { secret: secret, handle: you.getAttribute("data-rc-handle") };
        storage.setItem("rc-link:" + cohort, JSON.stringify(mine));
      }
      var saved = cohort ? JSON.parse(storage.getItem("rc-link:" + cohort) || "null") : null;
      if (saved && secret && saved.secret === secret && document.querySelector("[data-rc-join]")) {
        storage.removeItem("rc-link:" + cohort); // it no longer opens a place: reissued, erased
        return;
      }
      if (!saved || !saved.secret || secret) {
        return;
      }
      var link = new URL(window.location.href);
      ["handle", "join", "leave"].forEach(function (name) {
        link.searchParams.delete(name);
      });
      link.searchParams.set("secret", saved.secret);
      // An older link naming this browser's own handle opens its personal link instead.
      if (handle && saved.handle && handle.toLowerCase() === saved.handle.toLowerCase()) {
        window.location.replace(link.toString());
        return;
      }
      var returning = document.querySelector("[data-rc-returning]");
      if (returning) {
        returning.querySelectorAll("[data-rc-returning-handle]").forEach(function (node) {
          node.textContent = saved.handle || "";
        });
        returning.querySelector("[data-rc-continue]").setAttribute(
          "href", link.pathname + link.search
        );
        returning.querySelector("[data-rc-forget]").addEventListener("click", function () {
          storage.removeItem("rc-link:" + cohort);
          returning.hidden = true;
          document.getElementById("rc-join-handle").focus();
        });
        returning.hidden = false;
      }
    } catch (error) {
      // Storage can be switched off: nothing is remembered, and the Join form still works.
    }
  }
  function start() {
    keepQuery();
    rememberLink();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Module pages get an "On this page" list of their sections, a line saying which section the
// reader is in, and a thin progress bar, all built from the notebook's h2 headings once they
// have rendered. Voila renders cells progressively, so the list is rebuilt whenever the set of
// headings changes; pages with fewer than two sections show none of it.
(function () {
  "use strict";
  var built = "";
  var observer = null;
  var refresh = null;
  var current = -1;
  function headingText(heading) {
    var text = "";
    heading.childNodes.forEach(function (node) {
      if (!(node.classList && node.classList.contains("jp-InternalAnchorLink"))) {
        text += node.textContent;
      }
    });
    return text.replace(/\u00b6/g, "").replace(/\s+/g, " ").trim();
  }
  function sectionHeadings() {
    return Array.prototype.slice.call(
      document.querySelectorAll("#rc-main .jp-RenderedHTMLCommon h2")
    );
  }
  function showSection(index, headings, titles) {
    if (index === current) {
      return;
    }
    current = index;
    var label = "Section " + (index + 1) + " of " + titles.length + ": " + titles[index];
    var status = document.getElementById("rc-progress-status");
    var bar = document.getElementById("rc-progress-bar");
    var fill = document.getElementById("rc-progress-fill");
    if (status) {
      status.textContent = label;
    }
    if (bar) {
      bar.setAttribute("aria-valuenow", String(index + 1));
      bar.setAttribute("aria-valuetext", label);
      fill.style.width = ((index + 1) / titles.length) * 100 + "%";
    }
    document.querySelectorAll("#rc-sections a").forEach(function (link, position) {
      if (position === index) {
        link.setAttribute("aria-current", "location");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }
  // The reader is in the last section whose heading has passed the upper third of the screen.
  function sectionInView(headings) {
    var line = window.innerHeight / 3;
    var index = 0;
    headings.forEach(function (heading, position) {
      var box = heading.getBoundingClientRect();
      // A heading with no height is not laid out yet (Voila shows the page once every cell ran).
      if (box.height > 0 && box.top <= line) {
        index = position;
      }
    });
    return index;
  }
  function removeProgress() {
    ["rc-sections", "rc-progress"].forEach(function (id) {
      var old = document.getElementById(id);
      if (old) {
        old.remove();
      }
    });
    if (observer) {
      observer.disconnect();
      observer = null;
    }
    if (refresh) {
      window.removeEventListener("resize", refresh);
      refresh = null;
    }
  }
  function buildProgress() {
    var main = document.getElementById("rc-main");
    var headings = sectionHeadings();
    var titles = headings.map(headingText);
    var signature = titles.join("\n");
    if (signature === built || !main) {
      return;
    }
    built = signature;
    current = -1;
    removeProgress();
    if (headings.length < 2) {
      return;
    }
    headings.forEach(function (heading, position) {
      if (!heading.id) {
        heading.id = "rc-section-" + (position + 1);
      }
      heading.setAttribute("tabindex", "-1");
    });
    var progress = document.createElement("div");
    progress.id = "rc-progress";
    progress.className = "rc-progress";
    var bar = document.createElement("div");
    bar.id = "rc-progress-bar";
    bar.className = "rc-progress-bar";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "Progress through this module's sections");
    bar.setAttribute("aria-valuemin", "1");
    bar.setAttribute("aria-valuemax", String(headings.length));
    bar.setAttribute("aria-valuenow", "1");
    var fill = document.createElement("div");
    fill.id = "rc-progress-fill";
    fill.className = "rc-progress-fill";
    bar.appendChild(fill);
    var status = document.createElement("p");
    status.id = "rc-progress-status";
    status.className = "rc-progress-status";
    status.setAttribute("aria-live", "polite");
    progress.appendChild(bar);
    progress.appendChild(status);
    var nav = document.createElement("nav");
    nav.id = "rc-sections";
    nav.className = "rc-sections";
    nav.setAttribute("aria-label", "Sections of this module");
    var heading = document.createElement("p");
    heading.className = "rc-sections-title";
    heading.textContent = "On this page";
    var list = document.createElement("ol");
    headings.forEach(function (target, position) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + encodeURIComponent(target.id);
      link.textContent = titles[position];
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        target.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
        target.focus({ preventScroll: true });
        showSection(position, headings, titles);
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    nav.appendChild(heading);
    nav.appendChild(list);
    main.insertBefore(nav, main.firstChild);
    main.insertBefore(progress, main.firstChild);
    showSection(sectionInView(headings), headings, titles);
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(function () {
        showSection(sectionInView(headings), headings, titles);
      }, { rootMargin: "0px 0px -66% 0px", threshold: [0, 1] });
      headings.forEach(function (target) {
        observer.observe(target);
      });
    }
    refresh = function () {
      showSection(sectionInView(headings), headings, titles);
    };
    window.addEventListener("resize", refresh);
  }
  var pending = null;
  function scheduleBuild() {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(function () {
      pending = null;
      buildProgress();
    }, 150);
  }
  function startProgress() {
    scheduleBuild();
    new MutationObserver(scheduleBuild).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startProgress);
  } else {
    startProgress();
  }
})();

// A page served without a preheated kernel arrives before its cells have run (Voila's
// progressive rendering): the prose shows at once and each exercise shows a placeholder until
// its cell's output arrives. Meanwhile the banner says the exercises are still being got
// ready; the body's data-rc-page attribute says "ready" once every cell has its output.
(function () {
  "use strict";
  function progressive() {
    var config = document.getElementById("jupyter-config-data");
    try {
      var value = config && JSON.parse(config.textContent).progressiveRendering;
      return value === true || value === "true";
    } catch (error) {
      return false;
    }
  }
  function start() {
    var body = document.body;
    var status = document.querySelector(".rc-page-status");
    if (!progressive()) {
      body.dataset.rcPage = "ready";
      return;
    }
    body.dataset.rcPage = "preparing";
    if (status) {
      status.textContent = "Getting the exercises ready\u2026";
    }
    var placeholdersSeen = false;
    var observer = new MutationObserver(function () {
      if (document.querySelector(".voila-skeleton-container")) {
        placeholdersSeen = true;
        return;
      }
      if (placeholdersSeen) {
        observer.disconnect();
        body.dataset.rcPage = "ready";
        if (status) {
          status.textContent = "";
        }
      }
    });
    observer.observe(body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Two calm notes instead of a page that silently does not work, each with a reload button
// (answers are saved as the trainee goes, so a reload is always safe):
// - every code cell that produced output should show it. Voila draws a cell's widget once the
//   kernel's description of it has reached the page; if one never does (a lost message, a busy
//   server), the cell would be an empty gap. Once every cell's output has arrived, a cell still
//   empty after a grace period gets a note; the note goes away if the exercise turns up;
// - a page's kernel ends when the page has been left without activity for a long time, or
//   when this browser has opened many other pages since. Its exercises then stop answering,
//   so the page says it has been paused and how to carry on.
(function () {
  "use strict";
  var GRACE_MS = 8000;
  var WATCH_MS = 60000;
  function note(className, role, message) {
    var box = document.createElement("div");
    box.className = className;
    box.setAttribute("role", role);
    var text = document.createElement("p");
    text.textContent = message;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "rc-retry";
    button.textContent = "Reload the page";
    button.addEventListener("click", function () {
      window.location.reload();
    });
    box.appendChild(text);
    box.appendChild(button);
    return box;
  }

  function drawn(cell) {
    var outputs = cell.querySelectorAll(".jp-OutputArea-output");
    return Array.prototype.some.call(outputs, function (output) {
      var widget = output.querySelector(".jupyter-widgets");
      // a widget view with nothing inside it is a gap, not an exercise
      return widget ? widget.children.length > 0 : output.textContent.trim() !== "";
    });
  }
  function checkCells() {
    var missing = 0;
    document.querySelectorAll("#rc-main .jp-CodeCell").forEach(function (cell) {
      if (cell.classList.contains("jp-mod-noOutputs")) {
        return;
      }
      var shown = cell.querySelector(".rc-exercise-missing");
      if (drawn(cell)) {
        if (shown) {
          shown.remove();
        }
        return;
      }
      missing += 1;
      if (!shown) {
        cell.appendChild(
          note(
            "rc-exercise-missing",
            "status",
            "This exercise didn\u2019t load. Your answers are saved, so reloading the page is safe."
          )
        );
      }
    });
    document.body.dataset.rcMissing = String(missing);
  }
  function watchCells() {
    var started = Date.now();
    var timer = window.setInterval(function () {
      checkCells();
      if (Date.now() - started > WATCH_MS) {
        window.clearInterval(timer);
      }
    }, 1000);
  }

  // The page's kernel connection, watched from its websockets: this script runs before
  // Voila's (which is deferred), so every socket the page opens passes through here.
  var kernelSockets = [];
  var Native = window.WebSocket;
  if (Native) {
    var Tracked = function (url, protocols) {
      var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
      if (/\/api\/kernels\/[^/]+\/channels/.test(String(url))) {
        kernelSockets.push(socket);
        // a blip reconnects within a few seconds; an ended kernel never does
        socket.addEventListener("close", function () {
          window.setTimeout(askServer, 4000);
        });
      }
      return socket;
    };
    Tracked.prototype = Native.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
      Tracked[name] = Native[name];
    });
    window.WebSocket = Tracked;
  }
  // The server says whether the page's kernel still runs: its websocket may stay open for a
  // while after the kernel has ended.
  function kernelId() {
    var config = document.getElementById("jupyter-config-data");
    try {
      return (config && JSON.parse(config.textContent).kernelId) || "";
    } catch (error) {
      return "";
    }
  }
  var askedAt = 0;
  function askServer() {
    var id = kernelId();
    var base = document.body.dataset.baseUrl || "/voila/";
    if (paused || !id || !window.fetch || Date.now() - askedAt < 3000) {
      return;
    }
    askedAt = Date.now();
    var root = base.replace(/voila\/$/, "");
    window
      .fetch(root + "recovery-capital/kernel/" + id, { cache: "no-store" })
      .then(function (reply) {
        if (reply.status === 410) {
          showPaused();
        }
      })
      .catch(function () {
        // the server itself is out of reach: nothing to say about this page yet
      });
  }

  var paused = false;
  function checkPaused() {
    if (document.querySelector("#rc-main .jupyter-widgets-disconnected")) {
      showPaused();
    }
  }
  function showPaused() {
    if (paused || !document.getElementById("rc-main")) {
      return;
    }
    paused = true;
    var main = document.getElementById("rc-main");
    var message =
      "This page has been paused, because it was left for a while or many other pages " +
      "were opened since. Your answers are saved: reload the page to carry on.";
    main.insertBefore(note("rc-paused", "alert", message), main.firstChild);
  }

  function start() {
    var body = document.body;
    window.setInterval(askServer, 15000);
    new MutationObserver(checkPaused).observe(body, {
      attributes: true,
      attributeFilter: ["class"],
      subtree: true,
    });
    if (body.dataset.rcPage === "ready") {
      window.setTimeout(watchCells, GRACE_MS);
      return;
    }
    var ready = new MutationObserver(function () {
      if (body.dataset.rcPage === "ready") {
        ready.disconnect();
        window.setTimeout(watchCells, GRACE_MS);
      }
    });
    ready.observe(body, { attributes: true, attributeFilter: ["data-rc-page"] });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// ==== Presenter view and trainer pages (issue #16; widgets/presenter/) ====
// Trainer pages (modules/trainer/) are marked so the stylesheet can drop the trainee banner's
// note. On the presenter view, keys (and a presentation clicker's PageUp/PageDown) press the
// view's buttons: the kernel does the work, so a key does exactly what its button does.
(function () {
  "use strict";
  var KEYS = {
    ArrowRight: "next", PageDown: "next", n: "next",
    ArrowLeft: "previous", PageUp: "previous", p: "previous",
    o: "open", c: "close", r: "reveal", h: "hide", b: "blank", ".": "blank", t: "timer",
  };
  function mark() {
    if (/\/modules\/trainer\//.test(window.location.pathname)) {
      document.body.classList.add("rc-trainer-page");
      var skip = document.querySelector(".rc-skip-link");
      if (skip) skip.textContent = "Skip to the page";
    }
  }
  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    var action = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action || !document.querySelector(".rc-presenter")) return;
    var button = document.querySelector(".rc-presenter button.rc-pres-key-" + action);
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  document.addEventListener("keydown", onKey);
})();
// ==== end of presenter block ====
