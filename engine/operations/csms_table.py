OPERATIONS: tuple = ()
