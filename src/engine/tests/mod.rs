mod faults;
mod property;
mod scripted;
