"""Rules as versioned data: model, CEL expressions, compiler, templates, guards."""
