// After "Add another", the new row's first question has the focus: the page marks it with autofocus,
// which a browser may skip (an address with a fragment, focus already elsewhere); this makes it so.
(function () {
  "use strict";
  var field = document.querySelector("[autofocus]");
  if (field && document.activeElement !== field) {
    field.focus();
  }
}());
