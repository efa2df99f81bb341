"""Two voices on every session: the person writes their own words and flags a note from their own view; the
practitioner answers a flag from the staff side. Thin views: fetch through the access helpers, one service each."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime.accounts.person_sessions import person_page
from ethics import own_record, voices
from ethics.forms.own_words import AnswerForm, FlagForm, OwnWordsForm
from ethics.services import own_words as services
from sessions.own_words import voices_on

_HELD_BACK = "This session is held back, so you cannot add to it here. You can ask the person who helps you."


@person_page
@require_http_methods(["GET", "POST"])
def my_words(request: HttpRequest, pk: int) -> HttpResponse:
    """ "In my words": add or change the person's own account of a session."""
    session = own_record.get_own_session(request.user, pk)
    if session.held_back:
        messages.info(request, _HELD_BACK)
        return redirect("me-session", pk=session.pk)
    own, _ = voices_on(session.pk)
    form = OwnWordsForm(request.POST or None, initial={"words": own.words if own else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.write_own_words(session=session, by=request.user, words=form.cleaned_data["words"])
        except services.OwnWordsError as error:
            form.add_error("words", str(error))
        else:
            messages.success(request, "Saved. Your words are kept beside the notes.")
            return redirect("me-session", pk=session.pk)
    return render(request, "me/my_words.html", {"session": session, "form": form, "own": own})


@person_page
@require_http_methods(["GET", "POST"])
def flag_note(request: HttpRequest, pk: int) -> HttpResponse:
    """ "This doesn't sound like me": flag the session's note with a comment."""
    session = own_record.get_own_session(request.user, pk)
    if session.held_back:
        messages.info(request, _HELD_BACK)
        return redirect("me-session", pk=session.pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_note(session=session, by=request.user, words=form.cleaned_data["words"])
        except services.OwnWordsError as error:
            form.add_error("words", str(error))
        else:
            messages.success(request, "Sent. We have told the person who helps you. They will reply here.")
            return redirect("me-session", pk=session.pk)
    return render(request, "me/flag_note.html", {"session": session, "form": form})


@person_page
@require_POST
def close_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the person closes their flag: one button on their session page."""
    flag = voices.get_own_flag(request.user, pk)
    try:
        services.close_flag(flag=flag, by=request.user)
    except services.OwnWordsError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "Closed. Everything that was said is kept.")
    return redirect("me-session", pk=flag.session_id)


@require_http_methods(["GET", "POST"])
def answer_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """The practitioner replies to a flag, or adds a correction shown beside the note."""
    flag = voices.get_flag_to_answer(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_flag(flag=flag, by=request.user, **form.cleaned_data)
        except services.OwnWordsError as error:
            form.add_error("words", str(error))
        else:
            messages.success(request, "Saved. They will see it in their own view.")
            return redirect("session-detail", pk=flag.session_id)
    own, flags = voices_on(flag.session_id)
    thread = next(f for f in flags if f.pk == flag.pk)
    return render(
        request,
        "ethics/answer_flag.html",
        {"flag": thread, "session": flag.session, "person": flag.session.person, "form": form},
    )
