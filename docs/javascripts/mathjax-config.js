/* MathJax 3 configuration for pymdownx.arithmatex (generic mode).
 *
 * MathJax itself is served from this site (assets/mathjax/tex-svg.js, copied from the
 * django-static-mathjax pip package by hooks/mathjax.py): no CDN, no web fonts (SVG output).
 * Arithmatex wraps math in <span class="arithmatex">\( ... \)</span> and
 * <div class="arithmatex">\[ ... \]</div>; only those elements are processed.
 *
 * Material's instant navigation swaps the page content without reloading, so the page is
 * typeset again on every emission of Material's document$ observable. Typesetting calls are
 * chained on one promise so two navigations in a row never overlap. When a page is done,
 * <html data-math="N"> counts the typeset passes (the browser tests wait on it).
 *
 * Lazy typesetting (MathJax's ui/lazy extension, served from the site like the rest): the
 * TeX of the whole page is compiled at once (so no raw TeX stays visible), but a formula is
 * laid out as SVG only when it comes near the viewport. A long page no longer blocks the main
 * thread for seconds; printing typesets everything first (the extension's beforeprint handler).
 *
 * Formulas are not Tab stops (menu setting inTabOrder: false): a page with 274 formulas had
 * 274 stops between its links. The context menu is still there (right click), and the
 * assistive MathML copy that screen readers read is kept (see extra.css for its box).
 *
 * textmacros: \_ , \& ... inside \text{} print the character (\text{decay\_rate} shows
 * "decay_rate", not a backslash).
 */
window.MathJax = {
  loader: {
    load: ["ui/lazy", "[tex]/textmacros"]
  },
  tex: {
    packages: {"[+]": ["textmacros"]},
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  svg: {
    fontCache: "local"
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    lazyMargin: "400px",
    menuOptions: {
      settings: {
        inTabOrder: false
      }
    }
  },
  startup: {
    typeset: false,
    ready: function () {
      MathJax.startup.defaultReady();
      MathJax.startup.promise.then(function () {
        window.dlnotesMath.ready = true;
        window.dlnotesMath.typeset();
      });
    }
  }
};

window.dlnotesMath = {
  ready: false,
  passes: 0,
  last: null,
  chain: Promise.resolve(),
  typeset: function () {
    var self = window.dlnotesMath;
    if (!self.ready) {
      return self.chain;  /* startup.ready typesets the current page once MathJax has loaded */
    }
    /* instant navigation replaces the content element: typeset each one once */
    var content = document.querySelector("[data-md-component=content]") || document.body;
    if (content === self.last) {
      return self.chain;
    }
    self.last = content;
    self.chain = self.chain.then(function () {
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    }).then(function () {
      self.passes += 1;
      document.documentElement.setAttribute("data-math", String(self.passes));
    }).catch(function (err) {
      console.error("MathJax typesetting failed:", err);
    });
    return self.chain;
  }
};

if (typeof document$ !== "undefined") {
  document$.subscribe(function () {
    window.dlnotesMath.typeset();
  });
}
