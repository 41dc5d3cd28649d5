// One PostgreSQL server for the whole run, stopped when it ends (the kit's SharedDatabase).
[assembly: AssemblyFixture(typeof(SharedDatabase))]
