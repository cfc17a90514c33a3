// The service's own progressive enhancement: each <select data-ifr-autocomplete> becomes GOV.UK's
// accessible autocomplete (published from the accessible-autocomplete package, which this file
// follows on the page), so a list of two hundred commissioners can be searched by typing part of a
// name. The select stays in the form and is what is posted; without JavaScript it is used as it is.
(function () {
  "use strict";
  if (!window.accessibleAutocomplete) {
    return;
  }
  var selects = document.querySelectorAll("select[data-ifr-autocomplete]");
  Array.prototype.forEach.call(selects, function (select) {
    var invalid = select.classList.contains("nhsuk-select--error");
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      minLength: 2,
      autoselect: true,
      confirmOnBlur: true,
      showNoOptionsFound: true,
      tNoResults: function () { return "No " + select.getAttribute("data-ifr-autocomplete") + " has that name"; },
      tStatusQueryTooShort: function (minimum) { return "Type " + minimum + " or more letters of the name"; }
    });
    if (invalid) {
      var input = document.getElementById(select.id.replace(/-select$/, ""));
      if (input) { input.classList.add("autocomplete__input--error"); }
    }
  });
}());
