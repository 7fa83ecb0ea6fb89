"""Stories: near copies of one article (wire copy republished by many outlets) kept together."""
