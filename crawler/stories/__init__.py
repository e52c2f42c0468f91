"""Stories: every version of an article (translations, republications) linked to its original."""
