/* Small behaviours every page shares. The site's Content-Security-Policy allows scripts from its own origin
   only (no inline script, no on*= attributes, no javascript: links), so they live here, keyed on data-*
   attributes in the templates. */
(function () {
  "use strict";

  // <button data-disable-once hx-get=...>: an expand button loads its children once, then stays disabled.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.hasAttribute && element.hasAttribute("data-disable-once")) {
      element.disabled = true;
    }
  });

  // <a data-back href="/">: back to the previous page when there is one, else follow the link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1 && document.referrer) {
      event.preventDefault();
      window.history.back();
    }
  });
})();

// A table too wide for the screen scrolls sideways inside its .table-wrap; keyboard users must be able to reach
// that scroll (WCAG 2.1.1), so a wrapper that overflows becomes a focusable, named region.
(function () {
  "use strict";

  function markScrollable() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!wrap.hasAttribute("tabindex")) wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", "表格（可左右滚动）");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", markScrollable);
  document.addEventListener("htmx:afterSettle", markScrollable);
  window.addEventListener("resize", markScrollable);
})();
