# reports pages
