from tests.faults import main

main()
