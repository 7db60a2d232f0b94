# banks pages
