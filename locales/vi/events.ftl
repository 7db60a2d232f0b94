# events pages
