"""Dispatch suggestions learned from the city's own closed cases. Pure: no
Django.

A case's words are the tokens its search text holds already (rjieba
segments and character bigrams of the masked content and location, see
hotline.cases.search.index_text): the model learns from what the public
could read, so no requester's name or number ends up in its vocabulary,
and training reads a column the database has instead of segmenting a
million texts again. One vocabulary (TF-IDF, words seen in at least
MIN_CASES cases) feeds two linear classifiers, one for the category and
one for the unit that handled the case (the sole or lead unit).

Logistic loss, so that each class has a probability to show beside it;
SGD, because one pass over a million sparse rows takes seconds where a
batch solver takes minutes."""

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

# A word must come up in this many cases to be learned from: rarer ones
# are mostly names and numbers, and would only grow the model.
MIN_CASES = 2
VOCABULARY = 100_000
EPOCHS = 8
SEED = 12345


def tokens(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class Ranked:
    label: int  # a category's or a unit's id
    score: float  # the model's probability, 0–1


@dataclass
class Model:
    vectorizer: TfidfVectorizer
    category: SGDClassifier | None
    unit: SGDClassifier | None
    metadata: dict = field(default_factory=dict)

    def rank(self, words: str, top: int = 3) -> tuple[list[Ranked], list[Ranked]]:
        """The `top` categories and units for a text's tokens, best first."""
        features = self.vectorizer.transform([words])
        if features.nnz == 0:
            return [], []
        return _top(self.category, features, top), _top(self.unit, features, top)

    def rank_many(self, words: Sequence[str], top: int = 3):
        """For the benchmark: the top label ids per text, per classifier."""
        features = self.vectorizer.transform(words)
        return _top_ids(self.category, features, top), _top_ids(self.unit, features, top)

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()


def loads(data: bytes) -> Model:
    return joblib.load(io.BytesIO(data))


def _top(classifier, features, top: int) -> list[Ranked]:
    if classifier is None:
        return []
    probabilities = classifier.predict_proba(features)[0]
    order = np.argsort(-probabilities)[:top]
    return [Ranked(int(classifier.classes_[i]), float(probabilities[i])) for i in order]


def _top_ids(classifier, features, top: int) -> np.ndarray:
    scores = classifier.decision_function(features)
    if scores.ndim == 1:  # two classes: one column of scores
        scores = np.column_stack([-scores, scores])
    order = np.argsort(-scores, axis=1)[:, :top]
    return classifier.classes_[order]


def _classifier(features, labels: Sequence[int | None]) -> SGDClassifier | None:
    rows = [i for i, label in enumerate(labels) if label is not None]
    known = np.asarray([labels[i] for i in rows])
    if len(set(known.tolist())) < 2:
        return None  # nothing to choose between
    classifier = SGDClassifier(
        loss="log_loss",
        alpha=1e-6,
        max_iter=EPOCHS,
        tol=None,
        random_state=SEED,
        n_jobs=1,
    )
    classifier.fit(features[rows], known)
    # Half the bytes to store and load in every process, the same ranking.
    classifier.coef_ = classifier.coef_.astype(np.float32)
    return classifier


def train(
    words: Sequence[str],
    categories: Sequence[int | None],
    units: Sequence[int | None],
) -> Model:
    """A model from cases' tokens and, for each, its category's and its
    unit's id (None when it had none). Raises ValueError when there is
    nothing to learn from."""
    started = time.perf_counter()
    vectorizer = TfidfVectorizer(
        analyzer=tokens,
        min_df=MIN_CASES,
        max_features=VOCABULARY,
        sublinear_tf=True,
        dtype=np.float32,
    )
    features = vectorizer.fit_transform(words)
    model = Model(vectorizer, _classifier(features, categories), _classifier(features, units))
    if model.category is None and model.unit is None:
        raise ValueError("fewer than two categories and two units to learn")
    model.metadata = {
        "cases": len(words),
        "words": len(vectorizer.vocabulary_),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return model
