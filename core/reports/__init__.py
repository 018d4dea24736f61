"""What leaders read: the measures, one definition each (measures), the daily 访情 (digest), the
weekly and monthly analyses (analysis) and 月考评 (scores)."""
