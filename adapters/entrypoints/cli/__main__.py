from adapters.entrypoints.cli.main import main

main()
