# builder pages
