from aiguard.cli import main

raise SystemExit(main())
