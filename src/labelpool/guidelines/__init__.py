"""Guidelines: versioned Markdown with numbered sections, examples, questions and answers."""
