# reports pages
reports-title = Reports
reports-intro = Participation by ward, school and class, and each quiz's results. Every table downloads as a CSV that opens in Excel.
reports-by-event = Participation by event
reports-by-quiz = Results by quiz
reports-no-quizzes = No quiz has been published yet.
reports-back = ← All reports
reports-event-title = Participation: { $event }
reports-quiz-title = Results: { $quiz }
reports-group-by = Count by
reports-level-ward = Ward
reports-level-school = School
reports-level-class = Class
reports-level-area = Area
reports-level-competence = Competence
reports-show = Show
reports-download-csv = Download CSV (Excel)
reports-download-workbook = Download the XLSX workbook
reports-participation-hint = Shares are of the unit's active participant accounts; mean and median scores are percent of the maximum. Select a column's heading to sort by it.
reports-participation-by-ward = Participation by ward
reports-participation-by-school = Participation by school
reports-participation-by-class = Participation by class
reports-event-quizzes = Each quiz's report
reports-counted = { $count ->
    [one] 1 counted attempt (one per person, by the quiz's ranking).
   *[other] { $count } counted attempts (one per person, by the quiz's ranking).
}
reports-results = Results
reports-no-attempts = No attempt has been counted yet.
reports-pages = Result pages
reports-previous = ← Previous page
reports-next = Next page →
reports-page-of = Page { $page } of { $pages }
reports-questions = Question analysis
reports-questions-hint = Discrimination: the share correct among the { $group } highest-scoring attempts minus the share among the { $group } lowest (27 % each). Below 0.2 is poor: the question hardly tells those who know from those who do not.
reports-poor-questions = { $count ->
    [one] 1 question discriminates poorly (marked ⚠): review its wording, key or distractors.
   *[other] { $count } questions discriminate poorly (marked ⚠): review their wording, keys or distractors.
}
reports-question-chart = Share of correct answers per question
reports-competences = Digital competence profile
reports-competence-chart = Share of correct answers per DigComp area and competence
reports-flag-nobody_correct = Nobody correct
reports-flag-everybody_correct = Everybody correct
reports-flag-poor_discrimination = Poor discrimination
reports-col-org_unit = Unit
reports-col-registered = Accounts
reports-col-participants = Took part
reports-col-participation_share = Participation
reports-col-completed = Completed
reports-col-completion_share = Completion
reports-col-attempts_finished = Attempts finished
reports-col-mean_score = Mean score
reports-col-median_score = Median score
reports-col-entries_submitted = Entries sent
reports-col-entries_approved = Entries approved
reports-col-rank = Rank
reports-col-display_name = Name
reports-col-score = Score
reports-col-max_score = Maximum
reports-col-correct_count = Correct
reports-col-duration_ms = Time taken
reports-col-finished_at = Finished
reports-col-question_id = Question
reports-col-competence = Competence
reports-col-answered = Drawn
reports-col-correct = Correct
reports-col-share_correct = Share correct
reports-col-upper_share_correct = Share correct (top group)
reports-col-lower_share_correct = Share correct (bottom group)
reports-col-discrimination = Discrimination
reports-col-flag = Note
reports-col-code = Code
reports-col-name = Area / competence
