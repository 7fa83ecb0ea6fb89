"""Articles from the web: fetching pages safely, canonical addresses, extracting the article."""
