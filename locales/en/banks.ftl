# banks pages
banks-title = Question banks
banks-intro = The question banks quizzes draw from, with their questions counted by DigComp competence area, difficulty and kind.
banks-import-link = Import a question bank
banks-none = There are no question banks yet. Import a TOML or GIFT file.
banks-coverage-hint = Only questions that can still be drawn are counted; retired ones are kept for past attempts.
banks-by-area = Questions by DigComp competence area
banks-by-difficulty = Questions by difficulty
banks-by-kind = Questions by kind
banks-col-bank = Bank
banks-col-total = All questions
banks-version = version { $version }
banks-all-banks = All banks

banks-area-1 = 1. Information and data literacy
banks-area-2 = 2. Communication and collaboration
banks-area-3 = 3. Digital content creation
banks-area-4 = 4. Safety
banks-area-5 = 5. Problem solving

banks-competence-1-1 = Browsing, searching and filtering data, information and digital content
banks-competence-1-2 = Evaluating data, information and digital content
banks-competence-1-3 = Managing data, information and digital content
banks-competence-2-1 = Interacting through digital technologies
banks-competence-2-2 = Sharing through digital technologies
banks-competence-2-3 = Engaging citizenship through digital technologies
banks-competence-2-4 = Collaborating through digital technologies
banks-competence-2-5 = Netiquette
banks-competence-2-6 = Managing digital identity
banks-competence-3-1 = Developing digital content
banks-competence-3-2 = Integrating and re-elaborating digital content
banks-competence-3-3 = Copyright and licences
banks-competence-3-4 = Programming
banks-competence-4-1 = Protecting devices
banks-competence-4-2 = Protecting personal data and privacy
banks-competence-4-3 = Protecting health and well-being
banks-competence-4-4 = Protecting the environment
banks-competence-5-1 = Solving technical problems
banks-competence-5-2 = Identifying needs and technological responses
banks-competence-5-3 = Creatively using digital technologies
banks-competence-5-4 = Identifying digital competence gaps

banks-kind-single = Single answer
banks-kind-multiple = Multiple answers
banks-kind-true_false = True/false
banks-kind-ordering = Ordering
banks-kind-short_text = Short answer

banks-difficulty-1 = Level 1 (easy)
banks-difficulty-2 = Level 2 (medium)
banks-difficulty-3 = Level 3 (hard)

banks-back = ← Question banks
banks-slug = Bank code
banks-file-version = File version
banks-question-count = Questions in use
banks-keys-warning = This page shows the answer keys: organizers only, never on a shared screen.
banks-by-competence = Questions by DigComp competence
banks-col-competence = Competence
banks-col-questions = Questions
banks-questions = Questions
banks-no-questions = This bank has no questions in use.
banks-page-empty = There are no questions on this page.
banks-first-page = Go to the first page
banks-shown-range = Questions { $first }–{ $last } of { $total }
banks-points = { $count ->
    [one] 1 point
   *[other] { $count } points
}
banks-question-version = version { $version }
banks-tags = tags:
banks-options = Options
banks-correct = ✓ Correct answer
banks-correct-order = ✓ Correct order:
banks-key = ✓ Answer:
banks-key-true = True
banks-key-false = False
banks-accepted = ✓ Accepted answers:
banks-explanation = Explanation:
banks-pages = Pages of questions
banks-page-of = Page { $page } of { $pages }
banks-imported = Question bank imported: { $created } new, { $updated } updated, { $unchanged } unchanged, { $retired } retired.
banks-imported-skipped = { $count ->
    [one] 1 question was skipped because civiquiz does not support its kind.
   *[other] { $count } questions were skipped because civiquiz does not support their kind.
}

banks-import-title = Import a question bank
banks-import-intro = Upload a civiquiz TOML bank or a GIFT file exported from Moodle. Importing the same bank again updates the questions that changed and retires those no longer in the file.
banks-import-refused = The bank was not imported: correct what is marked below.
banks-import-problems = { $count ->
    [one] The file has 1 problem, so no question was imported.
   *[other] The file has { $count } problems, so no question was imported.
}
banks-import-fix-hint = Correct the file using the list below, then choose the file again to import it.
banks-problems-heading = Problems in the file
banks-problem-line = Line { $line }
banks-problem-file = Whole file
banks-problem-question = question
banks-problems-unlisted = { $count ->
    [one] 1 more problem is not listed.
   *[other] { $count } more problems are not listed.
}
banks-format = File format
banks-format-toml = civiquiz TOML
banks-format-gift = Moodle GIFT
banks-file = Question bank file
banks-file-hint = A UTF-8 text file (.toml, .gift or .txt), at most { $size }.
banks-file-again = For your security the browser does not keep the chosen file: choose it again.
banks-gift-options = Options for GIFT files
banks-gift-options-hint = Used only when importing a GIFT file; a TOML file states these itself.
banks-gift-slug = Bank code (required for GIFT)
banks-gift-slug-hint = Lower-case a–z, digits 0–9 and hyphens, for example an-toan-so-2026. Use an existing code to update that bank.
banks-gift-title = Bank title
banks-gift-title-hint = Optional; when empty the bank code is the title.
banks-gift-competence = Default DigComp competence
banks-gift-competence-hint = For questions whose $CATEGORY line names no competence code.
banks-gift-difficulty = Difficulty of the imported questions
banks-gift-difficulty-hint = GIFT has no difficulty, so every imported question gets this one.
banks-gift-skip = Skip questions of kinds civiquiz does not support
banks-gift-skip-hint = Essay, numerical and matching questions and descriptions are skipped instead of refusing the whole file.
banks-import-submit = Import the bank
banks-formats-heading = The two accepted formats
banks-example-toml = An example TOML file
banks-example-gift = An example GIFT file
banks-formats-atomic = An import is all or nothing: if the file has even one problem, no question is written, and the page lists every problem with its line.
banks-format-toml-about = One file is one bank: its code (slug), version and title, then each [[questions]] with its id, kind (single, multiple, true_false, ordering, short_text), DigComp competence code, difficulty 1–3, prompt, options, answer and explanation. Vietnamese is required, English optional.
banks-format-gift-about = Moodle's question export format: questions are separated by a blank line, ::name:: names a question, and the answers go in braces (= right, ~ wrong, T/F for true/false). A $CATEGORY line starting with a competence code (such as 4.2) gives that competence to the questions after it.
banks-format-docs = The TOML format is described in full in question-banks/README.md in civiquiz's source; files can also be imported through the API at POST /api/v1/banks/import (see docs/api.md).
banks-mebibytes = { $count } MiB
banks-file-too-large = The file is larger than { $size }: split it into smaller banks.
banks-file-not-text = The file is not UTF-8 text: save it again with the UTF-8 encoding.
banks-choose-file = Choose a question bank file.
banks-error-format = Choose the TOML or GIFT format.
banks-error-slug = A GIFT file needs a bank code of lower-case a–z, digits 0–9 and hyphens, not starting with a hyphen.
banks-error-competence = Choose a DigComp competence from the list.
banks-error-difficulty = Choose difficulty 1, 2 or 3.
