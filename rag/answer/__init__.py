"""Grounded answers: prompts, generation backends, citations, verification, answerability."""
