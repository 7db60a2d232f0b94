# admin pages
# The admins' account and org-tree pages (src/auth/admin_pages/, src/orgs/pages.rs).

## Account search
admin-users-title = Accounts
admin-users-intro = Find accounts by name, username, role, unit or status; open one to change its role or unit, disable it or issue a one-time password.
admin-import-link = Import students from CSV
admin-units-link = Org tree
admin-search-heading = Find accounts
admin-search-q = Name or username
admin-search-q-hint = With or without Vietnamese accents, in any case, e.g. nguyen van an.
admin-search-unit-hint = Units below it are searched too (pick a school to see every class's students).
admin-any-role = Any role
admin-any-unit = Any unit
admin-any-status = Any status
admin-search-submit = Search
admin-search-clear = Clear the filters
admin-results-heading = Results
admin-results-caption = Accounts found
admin-results-empty = There are no accounts yet.
admin-results-none = No account matches the search.
admin-results-range = { $first }–{ $last }
admin-results-count = Showing { $shown } of { $total } accounts.
admin-col-name = Name
admin-col-username = Username
admin-col-role = Role
admin-col-unit = Unit
admin-col-status = Status
admin-col-last-sign-in = Last sign-in ({ $zone })
admin-never = Never signed in
admin-pager = Result pages
admin-previous = ← Previous page
admin-next = Next page →
admin-status-active = Active
admin-status-one_time_password = Awaiting own password
admin-status-disabled = Disabled

## One account
admin-back-to-users = ← Back to the accounts
admin-no-unit = No unit
admin-last-sign-in = Last sign-in
admin-birth-year = Year of birth
admin-password-expires = (the one-time password expires at { $time })
admin-details-heading = Name, role and unit
admin-display-name-hint = 1 to 64 characters. Public boards show only a name the user chose herself.
admin-role-hint = Organizers run quizzes and contests; admins also manage accounts and the org tree.
admin-role-hint-own = This is your own account: you cannot demote yourself.
admin-unit-hint = Pick the unit from the tree (district, ward, school, class).
admin-save = Save changes
admin-account-saved = The account's changes are saved.
admin-account-disabled = The account is disabled: its user is signed out everywhere and can no longer sign in.
admin-account-enabled = The account is enabled again: its user can sign in.
admin-status-heading = Disable or enable
admin-disable-hint = Disabling signs the user out on every device; her attempts and results are kept.
admin-disable = Disable the account
admin-enable-hint = The account is disabled: its user cannot sign in.
admin-enable = Enable the account
admin-own-status = This is your own account: you cannot disable it.
admin-password-heading = One-time password
admin-reset-hint = Issue a new password when the user forgot hers or her one-time password expired. The old one stops working at once and every session ends; the new one is shown once only, so print it or copy it down.
admin-reset = Issue a new one-time password
admin-own-password = This is your own account: change your password yourself.
admin-reset-title = New one-time password for { $name }
admin-reset-intro = The old password no longer works. Print the slip below or hand it to the user in person.
admin-reset-back = Back to the account
admin-not-saved = Not saved: correct the fields marked below.
admin-lockout-role = You cannot take away your own admin role; ask another admin.
admin-lockout-status = You cannot disable your own account.
admin-lockout-password = You cannot issue yourself a one-time password; change your password on your account page.
admin-field-display_name = A name has 1 to 64 characters, none of them invisible.
admin-field-role = Choose a role from the list.
admin-field-org_unit_id = The unit you picked does not exist.
admin-field-q = A search has at most 100 characters.
admin-field-status = Choose a status from the list.
admin-field-limit = The number of accounts per page is not valid.
admin-field-offset = The page position is not valid.
admin-field-code = A unit code has 1 to 64 characters: unaccented letters, digits, dots, underscores or dashes.
admin-field-name = A unit name has 1 to 200 characters.
admin-field-kind = Choose the kind of unit.
admin-field-parent_id = The parent unit you picked does not exist.

## Importing students from CSV
admin-import-title = Import students from CSV
admin-import-intro = Create the accounts of a whole school or class at once. Each student gets a one-time password and must choose her own at her first sign-in.
admin-format-heading = How to prepare the file
admin-import-format = A CSV file in UTF-8 (in Excel: Save as › CSV UTF-8) whose first line names the columns, in any order; at most 5,000 rows. If any row is wrong, no account is created.
admin-columns-caption = The file's columns
admin-column-meaning = What it holds
admin-column-username = Username: 3–32 letters, digits or . _ -; not one an account already has.
admin-column-display-name = The student's full name (1–64 characters).
admin-column-org-unit-code = The code of her class or school in the org tree; empty if she has no unit yet.
admin-column-role = participant (a student; the default when empty), judge, organizer or admin.
admin-column-birth-year = Year of birth, e.g. 2012; may be empty.
admin-example = For example:
admin-csv-file = Choose a CSV file
admin-csv-file-hint = Or paste the file's text in the box below. If you give both, the file is used.
admin-csv-file-again = The browser does not keep the file you chose: once it is corrected, choose it again.
admin-csv-text = Or paste the CSV text
admin-csv-text-hint = The first line names the columns; each line after it is one row of data.
admin-import-once = Press once only: the next page shows every student's password and cannot be opened again.
admin-import-submit = Import and make the password sheet
admin-import-rows-refused = { $count ->
    [one] 1 row is not right.
   *[other] { $count } rows are not right.
}
admin-import-nothing-written = No account was created. Correct the rows below, then import the whole file again.
admin-import-nothing = Choose a CSV file or paste its text in the box.
admin-import-missing-columns = The file's first line must name the columns { $columns }; missing: { $missing }.
admin-import-no-rows = The file has no rows of data.
admin-import-too-many = At most { $count } rows per import; split the file.
admin-import-not-utf8 = The file is not in UTF-8. In Excel, choose Save as › CSV UTF-8.
admin-import-too-large = The file is too large (4 MB at most).
admin-import-unreadable = The CSV file's header line could not be read.
admin-row-errors-caption = Rows that are not right
admin-row-line = Line
admin-row-column = Column
admin-row-problem = Problem
admin-row-whole = The whole row
admin-row-repeated = This value appears on another row of the file too.
admin-row-username-length = A username has 3 to 32 characters.
admin-row-username-letters = A username has only letters (accents allowed), digits and . _ -
admin-row-username-taken = An account already has this username.
admin-row-display-name = A name has 1 to 64 characters, none of them invisible.
admin-row-unknown-unit = No unit has the code “{ $value }”.
admin-row-role = The role must be participant, judge, organizer or admin (or empty).
admin-row-birth-year = The year of birth is not valid (e.g. 2012).
admin-row-code = A unit code has 1 to 64 characters: unaccented letters, digits, dots, underscores or dashes.
admin-row-code-taken = A unit with the code “{ $value }” exists already.
admin-row-name = A unit name has 1 to 200 characters.
admin-row-kind = The kind must be district, ward, school, class or other.
admin-row-cycle = The chain of parent units forms a loop.
admin-row-values = The row does not have as many values as the first line has columns.
admin-row-not-csv = This row is not valid CSV.
admin-row-other = The value is not valid ({ $message }).

## The password sheet
admin-sheet-title = One-time password sheet
admin-sheet-intro = { $count ->
    [one] 1 account was created. Print the slip and hand it out.
   *[other] { $count } accounts were created. Print the slips and hand one to each student.
}
admin-sheet-once = The passwords are shown once, on this page only: the server does not keep them in clear, so it cannot show them again. Print now; if a student loses her slip, issue a new password on her account's page.
admin-sheet-print = Print the slips
admin-sheet-back = Back to the accounts
admin-sheet-gone = The password sheet is shown once only, so it is no longer here. If needed, issue new passwords on each account's page.
admin-slip-username = Username
admin-slip-password = Password
admin-slip-unit = Unit
admin-slip-address = Sign in at
admin-slip-instruction = Go to the address above, sign in with this username and password, then choose a new password of your own. This password works for your first sign-in only, before { $time }. Do not give this slip to anyone.

## The org tree
admin-units-title = Org tree
admin-units-intro = Districts, wards, schools and classes, each under its parent. A CSV import of students names each student's unit by its code.
admin-tree-heading = { $count ->
    [one] 1 unit
   *[other] { $count } units
}
admin-tree-empty = There are no units yet. Add the top one (the district) or import the whole tree from CSV.
admin-kind-district = district
admin-kind-ward = ward
admin-kind-school = school
admin-kind-class = class
admin-kind-other = other
admin-add-below = Add a unit below
admin-add-below-named = Add a unit below { $name }
admin-unit-accounts = Accounts
admin-unit-accounts-named = Accounts of { $name }
admin-add-heading = Add a unit
admin-unit-parent = Parent unit
admin-unit-top = — Top level —
admin-unit-parent-hint = For example: a class belongs to a school, a school to a ward.
admin-unit-name = Unit name
admin-unit-name-hint = For example: Lớp 6A1, Trường THCS Lê Lợi.
admin-unit-kind = Kind of unit
admin-unit-kind-choose = — Choose a kind —
admin-unit-kind-hint = District, ward, school, class or other.
admin-unit-code = Unit code
admin-unit-code-hint = Unique whatever its case; unaccented letters, digits and . _ -, e.g. THCS-LL-6A1.
admin-unit-code-taken = A unit already has this code; choose another.
admin-add-submit = Add the unit
admin-unit-added = The unit is added.
admin-units-import-heading = Import units from CSV
admin-units-import-format = The columns code, name, kind, parent_code (the parent's code: an existing unit or another row of the file; empty for the top level). If any row is wrong, no unit is added.
admin-units-import-submit = Import the units
admin-units-imported = { $count ->
    [one] 1 unit imported.
   *[other] { $count } units imported.
}
