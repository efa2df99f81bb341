// After a passkey is set up, show the list with it in (django-otp-webauthn's script says "done" and stays put).
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
