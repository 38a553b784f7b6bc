"""Sessions read from Redis and kept in the database, that go on while Redis is away.

Django's `cached_db` falls back to the database when reading the cache fails, but then fails on
putting the row it read back into the cache, and its `exists`, asked for every new session key
(each log-in), fails too, as does forgetting the key a log-in replaces: while Redis restarted,
every signed-in page and every log-in answered 500. Here they go to the database alone (logged).
A log-out (`flush`, `delete`) still fails while the cache is away, on purpose: the cached copy of
a signed-in session would otherwise outlive its row and keep the account signed in once Redis is
back.
"""

import logging

from django.contrib.sessions.backends import cached_db, db

log = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            log.warning("session cache unavailable; reading the database", exc_info=True)
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            log.warning("session cache unavailable; session not cached", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            log.warning("session cache unavailable; asking the database", exc_info=True)
        return db.SessionStore.exists(self, session_key)

    def cycle_key(self):
        """Log-in: the data moves to a new key and the old key is deleted. The old one carried no
        log-in (Django's `login` flushes a signed-in session instead of cycling it), so if the
        cache cannot forget it, its row is gone all the same and its cached copy opens nothing."""
        data, old_key = self._session, self.session_key
        self.create()
        self._session_cache = data
        if old_key:
            try:
                self.delete(old_key)  # the row first, then the cached copy
            except Exception:
                log.warning("session cache unavailable; old key forgotten in the database only")
