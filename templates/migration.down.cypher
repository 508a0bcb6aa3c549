// {{version}} {{description}} (down)
// Undoes {{upFile}}, newest change first. neomig records this text when the up is applied, so a
// rollback later runs exactly this, even if the file is edited or deleted afterwards.

// DROP CONSTRAINT example_id IF EXISTS;
