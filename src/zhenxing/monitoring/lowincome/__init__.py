"""One monitoring with 民政 (P17): compare a county's current low-income roster snapshot with this platform's
monitoring and the registry's 低保/特困 fields, raise each difference as a lead, and send the outcomes back."""
