# events pages
events-title = Events
events-intro = Each event (such as a Lifelong Learning Week) groups its quizzes and contests; participation is reported per event.
events-new = Create an event
events-new-title = New event
events-none = There are no events yet.
events-back = ← All events
events-quiz-count = { $count ->
    [one] 1 quiz
   *[other] { $count } quizzes
}
events-contest-count = { $count ->
    [one] 1 contest
   *[other] { $count } contests
}
events-label-title = Event name
events-label-description = Description (optional)
events-label-starts = Starts
events-label-ends = Ends
events-zone-hint = Vietnam time ({ $zone }). Each quiz and contest keeps its own opening and closing times.
events-create = Create the event
events-save = Save changes
events-saved = The event is saved.
events-field-title = Give the event a name (at most 200 characters).
events-field-description = The description is too long (at most 5,000 characters).
events-field-starts_at = Pick the date and time it starts.
events-field-ends_at = Pick the date and time it ends, after it starts.
events-report = Participation report
events-projector = Projector screen
events-quizzes = Quizzes
events-no-quizzes = The event has no quizzes yet.
events-new-quiz = Add a quiz
events-contests = Contests
events-no-contests = The event has no contests yet.
events-new-contest = Add a contest
events-quiz-draft = Draft
