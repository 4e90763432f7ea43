# Hackage pins and the local package, as packageSourceOverrides takes them.
{
  aeson = "2.3.2.0";
  my-app = ./..;
}
