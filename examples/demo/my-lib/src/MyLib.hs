module MyLib (greeting) where

greeting :: String
greeting = "hello from the demo"
