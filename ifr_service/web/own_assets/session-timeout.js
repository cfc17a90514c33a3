// The time-out warning (web/timeout.py, templates/session/timeout_warning.html), as the NHS service
// manual and GOV.UK ask: before a sign-in ends for want of use, a modal dialog says so and offers to
// stay signed in. The server is asked how long is left rather than this page's clock trusted (another
// tab may have kept the sign-in going); asking is not counted as use. Focus moves to the dialog and
// back after; Escape, like "Stay signed in", carries on. The countdown is shown every second but
// announced only as each minute passes and at 30 and 10 seconds. When the sign-in has ended, a form the
// person had typed into is sent, so that the server keeps it for them (web/saved_forms.py); otherwise
// the page goes to "You have been signed out".
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch || !window.FormData) {
    return;
  }
  var warningSeconds = Number(dialog.getAttribute("data-warning-seconds"));
  var leftWhenShown = Number(dialog.getAttribute("data-seconds-left"));
  var statusUrl = dialog.getAttribute("data-status-url");
  var signedOutUrl = dialog.getAttribute("data-signed-out-url");
  var heading = dialog.querySelector("h2");
  var countdown = dialog.querySelector(".ifr-timeout__countdown");
  var announcement = dialog.querySelector(".ifr-timeout__announcement");
  var stayForm = dialog.querySelector(".ifr-timeout__stay");
  var checkTimer = null;
  var tickTimer = null;
  var deadline = 0;
  var lastSeconds = 0;
  var lastSaid = "";
  var returnFocusTo = null;
  var typedIn = null;

  function inWords(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function schedule(secondsLeft) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, Math.max(1, secondsLeft - warningSeconds) * 1000);
  }

  function asJson(response) {
    if (!response.ok) {
      throw new Error("the service answered " + response.status);
    }
    return response.json();
  }

  function check() {
    clearTimeout(checkTimer);
    fetch(statusUrl, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
      .then(asJson)
      .then(function (status) {
        if (!status.signed_in) {
          signedOut();
        } else if (status.seconds_left > warningSeconds) {
          close();
          schedule(status.seconds_left);
        } else {
          open(status.seconds_left);
        }
      })
      .catch(function () {
        checkTimer = setTimeout(check, 15000);
      });
  }

  function open(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      lastSeconds = secondsLeft;
      lastSaid = inWords(secondsLeft);
      countdown.textContent = lastSaid;
      dialog.showModal();
      heading.focus();
    }
    tick();
  }

  function tick() {
    clearTimeout(tickTimer);
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var words = inWords(left);
    countdown.textContent = words;
    var worthSaying = left >= 60 ? words !== lastSaid : [30, 10].some(function (mark) {
      return left <= mark && lastSeconds > mark;
    });
    if (worthSaying) {
      announcement.textContent = "You will be signed out in " + words + ".";
      lastSaid = words;
    }
    lastSeconds = left;
    tickTimer = setTimeout(left > 0 ? tick : check, 1000);
  }

  function close() {
    clearTimeout(tickTimer);
    if (dialog.open) {
      dialog.close();
      announcement.textContent = "";
      if (returnFocusTo && document.body.contains(returnFocusTo)) {
        returnFocusTo.focus();
      }
    }
  }

  function signedOut() {
    clearTimeout(tickTimer);
    clearTimeout(checkTimer);
    if (typedIn && document.body.contains(typedIn)) {
      HTMLFormElement.prototype.submit.call(typedIn);  // kept by the server, not acted on
    } else {
      window.location.assign(signedOutUrl);
    }
  }

  function staySignedIn() {
    fetch(stayForm.action, {method: "POST", credentials: "same-origin", body: new FormData(stayForm),
                            headers: {Accept: "application/json"}})
      .then(asJson)
      .then(function (status) {
        if (!status.signed_in) {
          signedOut();
          return;
        }
        close();
        schedule(status.seconds_left);
      })
      .catch(function () {
        HTMLFormElement.prototype.submit.call(stayForm);  // the form itself, without the script
      });
  }

  function noteTyping(event) {
    var form = event.target && event.target.form;
    if (form && form.method === "post" && !dialog.contains(form) && !form.closest("header")) {
      typedIn = form;
    }
  }

  stayForm.addEventListener("submit", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  document.addEventListener("input", noteTyping);
  document.addEventListener("change", noteTyping);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      check();  // timers may have slept while the tab was hidden
    }
  });
  schedule(leftWhenShown);
}());
