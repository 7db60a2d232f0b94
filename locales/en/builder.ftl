# builder pages: the organizers' quiz pages (src/quizzes/organizer_pages/).

## The quizzes
builder-list-title = Organize quizzes
builder-list-intro = Every quiz, draft or published: build it, give participants more time, and run its leaderboard.
builder-list-more = Only the 200 quizzes with the latest windows are listed.
builder-new-link = New quiz
builder-no-quizzes = No quiz has been created yet.
builder-window = Window
builder-status = State
builder-status-draft = Draft
builder-status-published = Published
builder-question-count = { $count ->
    [one] 1 question
   *[other] { $count } questions
}
builder-board = Leaderboard
builder-edit-link = Edit
builder-allowances-link = Time allowances
builder-board-link = Leaderboard control
builder-public-page = The quiz's page for participants

## The builder
builder-back = Back to the quizzes
builder-new-title = New quiz
builder-published-at = published at { $time }
builder-created = The draft was created. Publish it when it is ready.
builder-saved = Your changes were saved.
builder-published = The quiz is published: participants in its audience see it from its opening time.
builder-not-saved = Nothing was saved: correct what is marked below.
builder-not-published = The quiz was not published and is still a draft: correct what is marked below.
builder-summary-rule = Rule { $number }: { $message }
builder-about = The quiz
builder-title = Title
builder-title-hint = 1 to 200 characters, as participants will see it.
builder-description = Description (optional)
builder-description-hint = What the quiz covers and how it works; up to 5,000 characters.
builder-event = Event
builder-event-hint = The campaign the quiz belongs to, such as Lifelong Learning Week.
builder-event-none = No event
builder-when = When
builder-zone-hint = Times are Vietnam time ({ $zone }).
builder-opens = Opens at
builder-opens-zoned = Opens at ({ $zone })
builder-closes-zoned = Closes at ({ $zone })
builder-closes-published-hint = Moving the close also moves the deadlines of attempts in progress; moving it earlier shortens them.
builder-time-limit = Time limit
builder-time-limit-minutes = Time limit (minutes)
builder-time-limit-hint = For each attempt, from 10 seconds to 24 hours (1,440 minutes); decimals are allowed, e.g. 7.5.
builder-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
builder-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
builder-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
builder-attempts = Attempts allowed
builder-attempts-hint = How many times each participant may take the quiz, 1 to 100.
builder-who = Who takes it, and how it counts
builder-audience = Audience
builder-audience-hint = The quiz is for this unit and every unit below it.
builder-audience-everyone = Everyone
builder-ranking = Which attempt ranks
builder-ranking-best = The best attempt
builder-ranking-best-hint = Each participant ranks with her best finished attempt; a worse later one never lowers her.
builder-ranking-first = The first attempt
builder-ranking-first-hint = Only each participant's first finished attempt ranks; later ones are for practice.
builder-review = What participants see afterwards
builder-review-never = Nothing
builder-review-never-hint = No review at all.
builder-review-score-only = Their score and their answers
builder-review-score-only-hint = After submitting, without the correct answers.
builder-review-after-submit = The correct answers after her last attempt
builder-review-after-submit-hint = With the explanations, as soon as the participant has used all her attempts (or the quiz has closed).
builder-review-after-close = The correct answers once the quiz closes
builder-review-after-close-hint = With the explanations, when the quiz has closed for everyone (time allowances included).
builder-shuffle = Order
builder-shuffle-questions = Shuffle the questions for each attempt
builder-shuffle-options = Shuffle the answer options
builder-shuffle-options-hint = Ordering questions are always shuffled.
builder-yes = Yes
builder-no = No
builder-rules = Questions
builder-rules-hint = Each rule draws questions from a bank, optionally of one DigComp area or competence and one difficulty. A question never comes twice; 1 to 50 rules, at most 200 questions in all.
builder-rule-legend = Rule { $number }
builder-rule-bank = Question bank
builder-rule-bank-pick = Choose a bank
builder-bank-option = { $title } ({ $count } questions)
builder-bank-missing = { $slug } (no longer in the banks)
builder-rule-competence = Competence
builder-competence-any = Any competence
builder-area-any = Area { $area }: { $name } (any competence)
builder-rule-difficulty = Difficulty
builder-difficulty-any = Any difficulty
builder-difficulty-1 = Easy
builder-difficulty-2 = Medium
builder-difficulty-3 = Hard
builder-rule-count = Number of questions
builder-rule-available = { $available ->
    [one] This rule can draw 1 question.
   *[other] This rule can draw { $available } questions.
}
builder-rule-short = Not enough for the { $count } asked: lower the number or widen the rule.
builder-rule-words = { $count ->
    [one] 1 question
   *[other] { $count } questions
} from { $bank } · { $competence } · { $difficulty }
builder-rule-remove-named = Remove rule { $number }
builder-rule-add = Add a rule
builder-rule-added = A rule was added at the end.
builder-rule-removed = The rule was removed.
builder-locked = Settings fixed at publication
builder-locked-reason = The quiz is published: only its title, description and closing time can change.
builder-create = Create the draft
builder-save = Save
builder-publish-link = Publish…

## Problems, beside their fields
builder-error-title = Write a title of 1 to 200 characters, without control characters.
builder-error-description = A description has at most 5,000 characters and no control characters.
builder-error-event = The event (or the audience) chosen no longer exists.
builder-error-opens = Enter the opening date and time.
builder-error-closes = Enter a closing date and time after the opening.
builder-error-time-limit = The time limit is a number of minutes, from 10 seconds to 24 hours (1,440 minutes).
builder-error-attempts = Attempts allowed: a whole number from 1 to 100.
builder-error-audience = The unit chosen no longer exists.
builder-error-review = Choose what participants see afterwards.
builder-error-ranking = Choose which attempt ranks.
builder-error-shuffle = The order settings could not be read.
builder-error-rules = A quiz has 1 to 50 rules and at most 200 questions in all.
builder-error-rule-bank = Choose a question bank.
builder-error-rule-competence = Choose a DigComp area or competence from the list.
builder-error-rule-difficulty = Choose a difficulty from the list.
builder-error-rule-count = The number of questions is a whole number from 1 to 200.
builder-error-rule-short = This rule asks for { $count } questions, but the bank holds only { $available } that match (after the earlier rules).

## Publishing
builder-publish-title = Publish: { $title }
builder-publish-heading = Publish the quiz
builder-publish-explain = Once published, the quiz is shown to its audience from its opening time and its questions are drawn by these rules. Afterwards only its title, description and closing time can change. This cannot be undone.
builder-publish-rule-short = not enough questions
builder-publish-warning = A rule asks for more questions than the banks hold: publishing will be refused until it is corrected.
builder-publish-confirm = Publish the quiz

## The leaderboard
builder-board-title = Leaderboard: { $title }
builder-board-page = The leaderboard page
builder-projector = The projector screen
builder-board-draft = The quiz is still a draft: its leaderboard fills once it is published and taken.
builder-board-state = Leaderboard state
builder-board-state-now = The leaderboard is now:
builder-board-frozen-at = Frozen at
builder-board-never-frozen = Not frozen.
builder-board-published-at = Published at
builder-board-sha256 = SHA-256 of the published results
builder-board-published-link = The published results (JSON)
builder-board-final = The published results are final.
builder-board-hint = Each change asks for confirmation first.
builder-board-changed = The leaderboard state was changed.
builder-board-confirm-title = Change the leaderboard state
builder-board-to-hidden = Hide the leaderboard
builder-board-to-live = Show the live leaderboard
builder-board-to-frozen = Freeze the leaderboard
builder-board-to-published = Publish the final results
builder-board-explain-hidden = The public sees no standings (on the board, the projector and the event board) until you show them again.
builder-board-explain-live = The public sees the standings change as participants submit.
builder-board-explain-frozen = The public keeps seeing the standings of this moment; attempts finished later still count, and show once you unfreeze or publish. Each participant still sees her own result.
builder-board-explain-published = The standings the public sees now (at the freeze, if frozen) are stored with their SHA-256 and can never change again. This cannot be undone.

## Time allowances
builder-allowances-title = Time allowances: { $title }
builder-allowances-heading = Time allowances
builder-allowances-intro = A participant who needs more time (a disability, a broken device) gets extra time on each attempt, or a later close for her alone. Her attempt in progress gets its new deadline at once.
builder-allowances-count = { $count ->
    [one] 1 participant with an allowance
   *[other] { $count } participants with an allowance
}
builder-allowances-none = Nobody has a time allowance on this quiz.
builder-allowances-caption = Allowances, by name
builder-allowance-participant = Participant
builder-allowance-extra-time = Extra time per attempt
builder-allowance-extra-close = Later close
builder-allowance-closes-for-her = Closes for her ({ $zone })
builder-allowance-deadline = Deadline of her attempt in progress ({ $zone })
builder-allowance-actions = Actions
builder-allowance-no-attempt = No attempt in progress
builder-allowance-none = None
builder-allowance-change = Change
builder-allowance-change-named = Change { $name }'s allowance
builder-allowance-remove = Remove
builder-allowance-remove-named = Remove { $name }'s allowance
builder-allowance-grant-heading = Give or change an allowance
builder-allowance-grant-hint = Giving one again replaces the earlier one.
builder-allowance-username = Participant's username
builder-allowance-extra-time-minutes = Extra time per attempt (minutes)
builder-allowance-extra-time-hint = Up to 1,440 minutes (a day); empty for none.
builder-allowance-extra-close-legend = A later close for her
builder-allowance-extra-close-hint = Up to 30 days after the quiz closes; empty for none.
builder-allowance-extra-close-amount = How much later
builder-allowance-unit = Unit
builder-unit-minutes = minutes
builder-unit-hours = hours
builder-allowance-grant = Save the allowance
builder-allowance-granted = The allowance was saved.
builder-allowance-removed = The allowance was removed; her attempt in progress is back to the quiz's own deadline.
builder-allowance-not-granted = Nothing was saved: correct what is marked below.
builder-allowance-username-required = Enter the participant's username.
builder-allowance-username-unknown = No account has this username.
builder-allowance-extra-time-invalid = Extra time is a number of minutes from 0 to 1,440.
builder-allowance-extra-close-invalid = A later close is a number from 0 up to 30 days' worth.

## DigComp areas and competences
builder-area-1 = Information and data literacy
builder-area-2 = Communication and collaboration
builder-area-3 = Digital content creation
builder-area-4 = Safety
builder-area-5 = Problem solving
builder-competence-1-1 = Browsing, searching and filtering data, information and digital content
builder-competence-1-2 = Evaluating data, information and digital content
builder-competence-1-3 = Managing data, information and digital content
builder-competence-2-1 = Interacting through digital technologies
builder-competence-2-2 = Sharing through digital technologies
builder-competence-2-3 = Engaging citizenship through digital technologies
builder-competence-2-4 = Collaborating through digital technologies
builder-competence-2-5 = Netiquette
builder-competence-2-6 = Managing digital identity
builder-competence-3-1 = Developing digital content
builder-competence-3-2 = Integrating and re-elaborating digital content
builder-competence-3-3 = Copyright and licences
builder-competence-3-4 = Programming
builder-competence-4-1 = Protecting devices
builder-competence-4-2 = Protecting personal data and privacy
builder-competence-4-3 = Protecting health and well-being
builder-competence-4-4 = Protecting the environment
builder-competence-5-1 = Solving technical problems
builder-competence-5-2 = Identifying needs and technological responses
builder-competence-5-3 = Creatively using digital technologies
builder-competence-5-4 = Identifying digital competence gaps
