// A "Print this page" button (data-ifr-print), shown only where JavaScript can print; without it the
// page says to use the browser's own print command.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-ifr-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
