## civiquiz — English. Every key here must also be in vi/main.ftl.

app-name = civiquiz
skip-to-content = Skip to the main content
nav-main = Main
nav-contests = Contests
nav-my-entries = My entries
nav-judging = Judging
nav-organize = Organize
nav-admin = Admin
nav-account = Account
nav-login = Sign in
nav-register = Register
nav-logout = Sign out
nav-password = Change password
footer-text = civiquiz — online quizzes on digital citizenship, Lifelong Learning Week.
back-home = Back to the home page

role-participant = participant
role-judge = judge
role-organizer = organizer
role-admin = admin

## Sign in, register, password
login-title = Sign in
login-submit = Sign in
login-no-account = No account yet?
register-title = Create an account
register-submit = Create the account
password-title = Change password
password-forced = Your account uses a one-time password from your school. Choose a password of your own before you continue.
password-done = Your password was changed. Every other session of yours has ended.
password-submit = Save the new password
name-title = Your display name
name-pseudonym = Public boards show you as “{ $pseudonym }” until you choose a name yourself.
name-done = Your display name was saved.
name-submit = Save the name
field-label-username = Username
field-label-password = Password
field-label-display-name = Display name
field-label-org-unit = Your unit (ward, school, class)
field-label-birth-year = Year of birth (optional)
field-label-current-password = Current password
field-label-new-password = New password
hint-username = 3–32 characters: letters (Vietnamese accents are fine), digits and . _ -
hint-display-name = This name shows on public leaderboards (1–64 characters). Avoid your full name or birth year if you would rather others not know them.
hint-password = 10 to 128 characters; a memorable sentence makes a good password. Very common passwords are refused.
hint-password-change = After the change you are signed out on every other device.
hint-org-unit = Pick your class, school or ward to see your rank within it.
field-label-join-code = Join code (optional)
hint-join-code = The code your school or class gave you, like ABCDE-FGHJK. Without one you join no unit until your school places you.
hint-birth-year = Only used to know whether a parent's or guardian's consent is needed for contests (under 16, by the Law on Personal Data Protection, Law 91/2025/QH15 art. 24, and Decree 356/2025/NĐ-CP); never shown publicly.
org-unit-none = — No unit —

## Home
home-title = Your quizzes
home-welcome = Welcome to civiquiz
home-pitch = Take quizzes on digital skills and digital citizenship, and see your score and rank in your class, school and ward.
home-quizzes = Open and upcoming quizzes
home-no-quizzes = There is no quiz for you yet.
home-attempts = Your attempts
home-no-attempts = You have not taken a quiz yet.
home-contests = Contests
quiz-window = From { $opens } to { $closes }
quiz-attempts-left = { $count ->
    [one] 1 attempt left
   *[other] { $count } attempts left
}
quiz-state-upcoming = Upcoming
quiz-state-open = Open
quiz-state-closed = Closed
attempt-status-in-progress = In progress
attempt-status-submitted = Submitted
attempt-status-expired = Time ran out
col-quiz = Quiz
col-started = Started
col-status = Status
col-score = Score
col-question = Question
col-rank = Rank
col-name = Name
col-unit = Unit
col-time = Time

## Quiz intro
intro-state = State
intro-window = Open
intro-time-limit = Time limit
intro-questions = Questions
intro-attempts-left = Attempts left
intro-ranking = Ranking
intro-review = Review
intro-timing = The server's clock is the only clock: your time starts when you press the button below and does not stop if you close the page. Every answer is saved as soon as you choose it.
intro-start = Start the quiz
intro-continue = Continue your attempt
intro-cannot-start = You cannot start this quiz now (it is not open yet, it has closed, or you have used every attempt).
minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
attempts-left-of = { $left } of { $max }
ranking-rule = Ranked by score, highest first; on equal scores the faster attempt ranks higher, then the earlier submission.
ranking-best = Each person's best attempt counts.
ranking-first = Only each person's first attempt counts.
review-never = This quiz offers no review.
review-score-only = After submitting you see your score and your own answers (no answer key).
review-after-submit = After submitting you see the answer key and the explanations.
review-after-close = The answer key and explanations are shown once the quiz closes.
board-link = See the leaderboard

## Attempt
time-left-label = Time left
deadline-at = Due at { $time } ({ $zone })
time-left = %minutes% min %seconds% s left
time-up = Time is up. Your attempt is graded on the answers that were saved.
time-announce = %minutes% minutes %seconds% seconds left
time-announce-button = Read the time left
answered-count = { $answered } of { $total } answered
save-saved = Saved %time%
save-saving = Saving — %count% waiting to be sent
save-offline = Offline — %count% waiting to be sent
save-error = Not saved yet — %count% waiting, retrying
save-closed = The attempt is closed; no more answers are taken.
grid-label = Questions
grid-question = Question { $number }
grid-legend = Filled squares with ✓ are answered. ⚑ marks a question flagged for review.
question-heading = Question { $number } of { $total }
points = points: { $points }
hint-single = Choose one answer.
hint-multiple = Choose every right answer.
hint-ordering = Put the items in the right order with the ↑ and ↓ buttons.
hint-short-text = Your answer
move-up = Move “{ $item }” up
move-down = Move “{ $item }” down
answer-true = True
answer-false = False
flag = Flag for review
unflag = Remove the flag
save-answer = Save this answer
prev = ← Previous
next = Next →
to-summary = Review and submit

## Summary
summary-title = Review before submitting
summary-answered = Answered: { $count }
summary-unanswered = Not answered: { $count }
summary-flagged = Flagged: %count%
summary-flagged-mark = flagged
status-answered = Answered
status-unanswered = Not answered
submit-warning = Once submitted, your answers cannot be changed.
submit-all = Submit
submit-offline = Offline — %count% answers could not be sent yet. Reconnect, then submit again.
back-to-attempt = ← Back to the questions

## Result
result-title = Result
result-expired = The server collected this attempt when time ran out, with the answers saved before the deadline.
result-score = Score
result-correct = Correct answers
result-duration = Time taken
correct-of = { $correct } of { $total }
result-ranks = Rank
rank-quiz = Whole quiz
rank-of = rank { $rank } of { $total }
rank-none = not on the leaderboard yet
back-to-quiz = Back to the quiz
review-title = Review
review-unavailable = The quiz's policy does not allow a review now.
review-your-answer = Your answer:
review-blank = (left blank)
review-key = Answer key:
review-correct = correct
review-wrong = not correct

## Leaderboard
board-title = Leaderboard
board-caption = Top 10
board-state-hidden = Hidden
board-state-live = Live
board-state-frozen = Frozen
board-state-published = Published
board-hidden = The organizers have hidden this leaderboard.
board-empty = Nobody has submitted yet.
board-updated = The leaderboard was just updated.

## Errors (by the API's error codes)
error-title = That did not work
error-bad_request = The request is not valid.
error-malformed_json = The request is not valid.
error-unauthenticated = Sign in to continue.
error-invalid_credentials = Wrong username or password.
error-one_time_password_expired = This one-time password has expired. Ask your school for a new one.
error-token_expired = Your session expired; sign in again.
error-token_invalid = Your session is no longer valid; sign in again.
error-forbidden = You are not allowed to do this.
error-csrf_failed = This form is out of date. Reload the page and try again.
error-not_found = The page or item was not found.
error-conflict = Something changed meanwhile; reload the page and try again.
error-username_taken = That username is taken.
error-validation_failed = Some fields are not valid.
error-rate_limited = Too many tries. Wait a moment and try again.
error-overloaded = The server is busy. Try again in a few seconds.
error-unavailable = The service is briefly unavailable. Try again in a few seconds.
error-internal = Something went wrong on the server. Try again; if it persists, tell the organizers.
error-password_change_required = Change your one-time password before you continue.
error-quiz_not_open = The quiz is not open (not yet, or no longer).
error-attempts_exhausted = You have used every attempt of this quiz.
error-attempt_closed = The attempt is closed: time ran out or it was submitted.
error-payload_too_large = What was sent is too large.
error-unsupported_media_type = That format is not supported.
error-method_not_allowed = This address does not take that kind of request.
error-upload_stalled = The upload stopped arriving or came in too slowly. Check your connection and try again.
error-insufficient_storage = The server has no room for your recording right now. Try again later, or tell the organizers.
error-attempt_not_finished = Finish the attempt first.
error-contest_not_open = The contest is not open for entries (not yet, or no longer).
error-contest_closed = The contest is closed.
error-entries_exhausted = You have used every entry of this contest.
error-already_submitted = The entry is already submitted.
error-voting_closed = Voting is not open.
error-already_published = The results are published and final.
error-quiz_locked = The quiz is published: only its title, description and closing time can change.
error-state_changed = Its state changed meanwhile; reload the page and try again.
error-self_lockout = You cannot disable or demote your own account.
error-org_code_taken = An organisation unit with that code exists.
error-bank_exhausted = The question banks no longer hold enough questions for this quiz; tell the organizers.
error-media_missing = Upload the recording before submitting.
error-entry_not_submitted = The entry is still a draft: it can be moderated once submitted.
error-rubric_locked = Judges have scored entries: the rubric can no longer change.
error-results_frozen = The results are frozen: scores can no longer change.
error-too_many_uploads = You are already uploading two recordings; wait for one to finish.
error-upload_offset_mismatch = The upload did not match what the server had received; carrying on from there.
error-tus_version_unsupported = This browser uses an upload protocol version the server does not speak.
error-checksum_mismatch = Part of the recording was damaged on the way; sending it again.
error-registration_closed = Accounts here are made by the organizers; ask your school for yours.
error-not_a_member = Only members of a school or unit taking part may vote in this contest.
error-range_not_satisfiable = That part of the recording does not exist.
error-media_too_long = The recording is longer than the contest allows.
error-media_malformed = The recording could not be read; record or export it again.
field-username = A username has 3–32 letters, digits or . _ -
field-password = A password has 10–128 characters and must not be a very common one.
field-new_password = The new password needs 10–128 characters, must not be very common and must differ from the current one.
field-current_password = The current password is not right.
field-display_name = A display name has 1–64 characters, none of them invisible.
field-org_unit_id = The unit you picked does not exist.
field-birth_year = The year of birth is not valid.
field-response = That answer does not fit this question.
field-scope = The leaderboard scope is not valid.
field-limit = The limit is not valid.
field-offset = The offset is not valid.
