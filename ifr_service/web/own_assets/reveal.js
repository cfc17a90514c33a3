// The design system's radios show the questions an answer reveals, and mark each radio with
// aria-expanded as they do. ARIA allows aria-expanded on no radio or checkbox (axe-core's
// aria-allowed-attr), and GOV.UK Frontend dropped it for that reason: the revealed question is read
// where it appears, after the answer. This takes it off whenever the design system puts it on.
(function () {
  "use strict";
  var selector = "input[type=radio][aria-expanded], input[type=checkbox][aria-expanded]";
  function strip() {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (input) {
      input.removeAttribute("aria-expanded");
    });
  }
  strip();
  new MutationObserver(strip).observe(document.body, {attributes: true, subtree: true,
                                                      attributeFilter: ["aria-expanded"]});
}());
