/* The printable view: fit wide display equations to the paper.
 *
 * On screen a display equation wider than the column scrolls sideways
 * (course.css); paper cannot scroll, and MathJax 3 does not break lines. So
 * once MathJax has typeset the page, each display equation records its
 * natural width in units of its own font size (--print-eq-ems) and that
 * font size (--print-eq-size); print.css then sets, for print only, the font
 * size at which the equation fills at most its column (a container query
 * unit: the column's width is only known in the print layout). Nothing
 * changes on screen. Measured again just before printing, in case a web
 * font arrived late.
 */
(() => {
  function measure() {
    for (const container of document.querySelectorAll('mjx-container[display="true"]')) {
      const math = container.querySelector("mjx-math");
      const fontSize = parseFloat(getComputedStyle(container).fontSize);
      if (!math || !fontSize) continue;
      const ems = math.getBoundingClientRect().width / fontSize;
      container.style.setProperty("--print-eq-ems", ems.toFixed(3));
      container.style.setProperty("--print-eq-size", container.style.fontSize || "100%");
    }
  }

  function whenTypeset() {
    const startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) {
      startup.promise.then(measure);
    } else if (document.querySelector('script[src*="mathjax"]')) {
      setTimeout(whenTypeset, 100);
    }
  }

  window.addEventListener("beforeprint", measure);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenTypeset);
  } else {
    whenTypeset();
  }
})();
