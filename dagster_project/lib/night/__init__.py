"""What steers a night: one run at a time (``run_lock``), whether to build and how
(``fingerprint``, ``build_plan``), the disk it needs (``disk_space``), why it failed
(``reason``) and where its time went (``step_times``)."""
